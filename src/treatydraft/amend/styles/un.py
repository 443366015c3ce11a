"""The United Nations style: "In article 5, paragraph 2, the word “may” is replaced by “shall”."."""

NAME = "un"
NUMBER = "{n}. "
ARTICLE = "article {n}"
PREAMBLE = "the preamble"
TESTIMONIUM = "the testimonium"
#: a paragraph, then points, inside a part: ", paragraph 2, point (a)"
PARAGRAPH = ", paragraph {label}"
POINT = ", point ({label})"
#: the address of a part's only paragraph, where a sentence needs one
#: before a part's name when the address is its only paragraph
WHOLE_PREFIX = ""
WHOLE_TEXT = "the text"

TEMPLATES = {
    "words": "In {A}, {action}.",
    "replace-unit": "In {P}, {R} is replaced by the following:",
    "delete-unit": "In {P}, {R} is deleted.",
    "insert-after": "In {A}, the following {K} is inserted after {S}:",
    "insert-before": "In {A}, the following {K} is inserted before {S}:",
    "insert-add": "In {A}, the following {K} is added:",
    "heading": "In {P}, the heading is replaced by “{T}”.",
    "heading-delete": "In {P}, the heading is deleted.",
    "delete-article": "{P} is deleted.",
    "insert-article-after": "The following article is inserted after {P}:",
    "insert-article-before": "The following article is inserted before {P}:",
    "insert-article-add": "The following article is added:",
    "renumber": "In {A}, {Ks} {L1} {verb} renumbered {L2}.",
    "renumber-articles": "{Ks} {L1} {verb} renumbered {L2}.",
}
