"""Where a user's edited output breaks its platform's limits (the Outputs page shows these beside the editor)."""

from __future__ import annotations

import re

from lib.generate.platform_limits import LIMITS, x_length


def limit_warnings(fmt: str, content: str) -> list[str]:
    """What in a user's edited text breaks the platform's limits (empty when it fits).

    Edited outputs are saved as the user wrote them; these warnings say where a
    platform would cut or refuse them. An X thread's posts are its blank-line-separated blocks.
    """
    warnings: list[str] = []
    limits = LIMITS.get(fmt, {})
    if fmt == "x_thread":
        posts = [p.strip() for p in re.split(r"\n\s*\n", content) if p.strip()]
        for number, post in enumerate(posts, 1):
            if x_length(post) > limits["max_chars_per_post"]:
                warnings.append(f"Post {number} has {x_length(post)} characters as X counts them; "
                                f"the limit is {limits['max_chars_per_post']}.")
        if len(posts) > limits["max_posts"]:
            warnings.append(f"The thread has {len(posts)} posts; keep it to {limits['max_posts']}.")
    elif "max_chars" in limits and len(content) > limits["max_chars"]:
        warnings.append(f"It has {len(content):,} characters; the limit is {limits['max_chars']:,}.")
    return warnings
