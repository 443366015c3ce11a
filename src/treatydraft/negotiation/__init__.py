"""The negotiation layer (§12): bracketed text, who proposed what, and agreed text that
stays agreed.

:mod:`.brackets` is the pure parser of the inline notation (its public API is what other
features, e.g. ``amend``, should use); :mod:`.data` the structured data beside the text;
:mod:`.checks` the findings; :mod:`.status` the progress measure; :mod:`.views` the
negotiating and clean texts.
"""
