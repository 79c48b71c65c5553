"""The removal category a dropped block gets from the feature that explains it."""

from __future__ import annotations

from ...rules.schema import Category

_BY_PREFIX = (
    (("cls_nav", "cls_menu", "cls_breadcrumb", "cls_skip", "cls_search", "cls_login", "anc_nav", "link_share",
      "all_link", "c0_link", "c1_link", "c2_link", "c3_link", "win3_link", "prev_link", "next_link"),
     Category.NAVIGATION),
    (("cls_share", "cls_social"), Category.SHARE),
    (("cls_comment", "cls_review"), Category.COMMENTS),
    (("cls_related", "cls_card", "cls_promo"), Category.RELATED),
    (("cls_tag",), Category.TAGS),
    (("cls_ad",), Category.ADVERT),
    (("cls_newsletter",), Category.NEWSLETTER),
    (("cls_cookie",), Category.COOKIE),
    (("cls_copyright", "has_copyright"), Category.LEGAL),
    (("cls_footer", "anc_footer"), Category.FOOTER),
    (("cls_caption", "credit_like", "anc_figure", "anc_figcaption", "owner_figcaption", "since_media",
      "until_media", "c0_media", "c1_media", "c2_media", "cls_gallery"), Category.CAPTION),
    (("cls_author", "cls_byline", "starts_by"), Category.BYLINE),
    (("cls_date", "date_like"), Category.DATE),
)  # fmt: skip


def category_of(feature: str) -> Category:
    for prefixes, category in _BY_PREFIX:
        if feature.startswith(prefixes):
            return category
    return Category.OTHER
