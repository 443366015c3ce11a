"""The European Union style: "Article 5(2) is amended as follows: the word “may” is replaced by “shall”."."""

NAME = "eu"
NUMBER = "({n}) "
ARTICLE = "Article {n}"
PREAMBLE = "the preamble"
TESTIMONIUM = "the testimonium"
PARAGRAPH = "({label})"
POINT = "({label})"
#: before a part's name when the address is its only paragraph
WHOLE_PREFIX = "the text of "
WHOLE_TEXT = ""

TEMPLATES = {
    "words": "{A} is amended as follows: {action}.",
    "replace-unit": "{A} is replaced by the following:",
    "delete-unit": "{A} is deleted.",
    "insert-after": "The following {K} is inserted after {SA}:",
    "insert-before": "The following {K} is inserted before {SA}:",
    "insert-add": "The following {K} is added to {A}:",
    "heading": "The title of {P} is replaced by “{T}”.",
    "heading-delete": "The title of {P} is deleted.",
    "delete-article": "{P} is deleted.",
    "insert-article-after": "The following Article is inserted after {P}:",
    "insert-article-before": "The following Article is inserted before {P}:",
    "insert-article-add": "The following Article is added:",
    "renumber": "In {A}, {Ks} {L1} {verb} renumbered {L2}.",
    "renumber-articles": "{Ks} {L1} {verb} renumbered {L2}.",
}
