"""Draw wenming/core/static/core/favicon.ico: a white five-pointed star on the navbar's red.

Shapes only (no font), so it draws the same on any machine; the .ico carries 16, 32 and 48 px
images. Run it again only to change the icon: the file itself is committed.
"""

import math
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "wenming" / "core" / "static" / "core" / "favicon.ico"
RED = (179, 38, 30, 255)  # .wm-navbar's background in core/app.css
WHITE = (255, 255, 255, 255)


def draw(size: int = 256) -> Image.Image:
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    pen.rounded_rectangle((0, 0, size - 1, size - 1), radius=size // 5, fill=RED)
    centre, outer, inner = size / 2, size * 0.40, size * 0.40 * 0.382
    points = []
    for i in range(10):
        radius = outer if i % 2 == 0 else inner
        angle = -math.pi / 2 + i * math.pi / 5
        points.append(
            (centre + radius * math.cos(angle), centre + 0.04 * size + radius * math.sin(angle))
        )
    pen.polygon(points, fill=WHITE)
    return image


def main() -> None:
    draw().save(TARGET, format="ICO", sizes=[(16, 16), (32, 32), (48, 48)])
    print(f"favicon: {TARGET.relative_to(ROOT)} ({TARGET.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
