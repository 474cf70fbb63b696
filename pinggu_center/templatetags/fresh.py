"""``{% fresh "name" [key] %}…{% endfresh %}``: content cached under a key from pinggu_center.freshness.fragment_key.

The key is the context's ``fragment`` unless another variable is named. Unlike ``{% cache %}``, a view that gave no
key gets the content rendered, never somebody else's cached copy.
"""

from __future__ import annotations

import hashlib
import logging

from django import template
from django.core.cache import cache

from pinggu_center.freshness import FRAGMENT_SECONDS

register = template.Library()
logger = logging.getLogger(__name__)


class FreshNode(template.Node):
    def __init__(self, name: str, key: str, nodelist: template.NodeList) -> None:
        self.name, self.key, self.nodelist = name, key, nodelist

    def render(self, context: template.Context) -> str:
        fragment = context.get(self.key)
        if not fragment:
            return self.nodelist.render(context)
        key = f"fresh:{self.name}:{hashlib.md5(fragment.encode(), usedforsecurity=False).hexdigest()}"
        try:
            content = cache.get(key)
        except Exception:  # noqa: BLE001 - the cache went away since the key was made: render without it
            return self.nodelist.render(context)
        if content is None:
            content = self.nodelist.render(context)
            try:
                cache.set(key, content, FRAGMENT_SECONDS)
            except Exception:  # noqa: BLE001
                logger.warning("Page content not cached: the cache is unreachable.", exc_info=True)
        return content


@register.tag
def fresh(parser: template.base.Parser, token: template.base.Token) -> FreshNode:
    bits = token.split_contents()
    if len(bits) not in (2, 3) or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError("usage: {% fresh \"name\" [key] %}…{% endfresh %}")
    nodelist = parser.parse(("endfresh",))
    parser.delete_first_token()
    return FreshNode(bits[1][1:-1], bits[2] if len(bits) == 3 else "fragment", nodelist)
