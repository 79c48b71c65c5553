"""The same articles as HTML: seed texts rendered into a news-page template.

The template carries what an article page has around the story: a head with
meta tags and a script, a mega-menu, the article (headline, byline, figure,
paragraphs), share buttons, a newsletter box, a related-stories grid, a
most-read list and a footer. Its size is set to the median real page of
``eval/html`` (about 800 elements, measured by ``element_count``), so trafilatura
works on a page like the ones it meets, while the cleaner gets the seed text.
"""

from __future__ import annotations

import html

import lxml.html

SECTIONS = ["News", "UK", "World", "Politics", "Business", "Money", "Sport", "Culture", "Travel", "Climate",
            "Tech", "Science", "Health", "Opinion", "Video", "Podcasts", "Newsletters", "Puzzles"]  # fmt: skip
SUBSECTIONS = ["Latest", "Analysis", "Explainers", "Live", "Photos", "In depth", "Local", "Archive"]
FOOTER = ["About us", "Contact us", "Careers", "Advertise", "Privacy policy", "Cookie settings", "Terms of use",
          "Accessibility", "Help", "Corrections", "Archive", "Sitemap", "Syndication", "Press office",
          "Complaints"]  # fmt: skip
SHARE = ["Facebook", "Twitter", "WhatsApp", "LinkedIn", "Reddit", "Email", "Copy link", "Print"]
SCRIPT = "window.dataLayer=window.dataLayer||[];" + "".join(
    f"function f{n}(a,b){{return a&&b?a[b]:null}};" for n in range(120)
)


def render(text: str, number: int) -> str:
    """A news page holding the article ``text`` (first line headline, then paragraphs)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    headline, paragraphs = lines[0], lines[1:]
    menu = "".join(
        f'<li class="menu__section"><a href="/{s.lower()}">{s}</a><ul>'
        + "".join(f'<li><a href="/{s.lower()}/{sub.lower()}">{sub}</a></li>' for sub in SUBSECTIONS)
        + "</ul></li>"
        for s in SECTIONS
    )
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    share = "".join(f'<li><button class="share" aria-label="Share on {s}">{s}</button></li>' for s in SHARE)
    related = "".join(
        f'<li class="card"><a href="/news/{number}-{n}"><img src="/img/{number}-{n}.jpg" alt="">'
        f"<h3>Related story {n} on the same subject as story {number}</h3></a>"
        f"<p>A short summary of related story {n}, one line long.</p><time>{n + 1}h ago</time></li>"
        for n in range(24)
    )
    most_read = "".join(
        f'<li><span>{n + 1}</span><a href="/popular/{n}">Most read story {n}</a></li>' for n in range(15)
    )
    footer = "".join(
        f'<div class="col"><h4>Column {c}</h4><ul>'
        + "".join(f'<li><a href="/{c}/{n}">{name}</a></li>' for n, name in enumerate(FOOTER))
        + "</ul></div>"
        for c in range(4)
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(headline)} | The Daily Example</title>
<meta name="description" content="{html.escape(paragraphs[0][:150])}">
<meta property="og:title" content="{html.escape(headline)}"><meta property="og:site_name" content="The Daily Example">
<link rel="stylesheet" href="/static/site.css"><script>{SCRIPT}</script></head>
<body><header class="masthead"><a class="logo" href="/">The Daily Example</a>
<nav class="menu"><ul>{menu}</ul></nav>
<form class="search"><input name="q" placeholder="Search"><button>Search</button></form></header>
<main><article class="story"><h1 class="story__headline">{html.escape(headline)}</h1>
<div class="story__meta"><span class="byline">By Staff Reporter</span><time>19 August 2015</time></div>
<ul class="share-bar">{share}</ul>
<figure><img src="/img/{number}.jpg" alt="Illustration"><figcaption>Illustration for the story (Agency)</figcaption></figure>
<div class="story__body">{body}</div>
<aside class="newsletter"><h2>Sign up to our morning briefing</h2><form><input type="email" placeholder="Email address">
<button>Sign up</button></form></aside></article>
<section class="related"><h2>More on this story</h2><ul>{related}</ul></section>
<aside class="most-read"><h2>Most read</h2><ol>{most_read}</ol></aside></main>
<footer class="site-footer">{footer}<p>© 2015 The Daily Example. All rights reserved.</p></footer>
</body></html>"""


def element_count(page: str) -> int:
    return sum(1 for _ in lxml.html.fromstring(page.encode()).iter())
