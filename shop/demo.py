"""A believable demo catalog owned by the demo seller, for `manage.py seed_demo`."""

import io
import zipfile

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.text import slugify
from PIL import Image, ImageDraw

from accounts.models import User
from shop.models import Category, Product
from shop.services import (
    product_create,
    product_publish,
    product_set_categories,
    product_set_cover,
    product_set_featured,
    version_add,
)
from shop.uploads import check_product_file

CATEGORIES = ["Templates", "Icons", "Fonts", "Courses", "Photography", "Developer tools"]

# title, tagline, price (cents), categories, featured
CATALOG = [
    ("Notion Budget Kit", "Plan a year of spending in one calm page.", 1200, ["Templates"], True),
    (
        "Field Notes Planner",
        "A printable weekly planner with room to think.",
        0,
        ["Templates"],
        False,
    ),
    ("Outline Icons 2400", "Crisp 24px line icons in SVG, Figma and React.", 2900, ["Icons"], True),
    ("Glyph Duotone Set", "Two-tone icons for dashboards and apps.", 1900, ["Icons"], False),
    ("Mosaic Sans", "A friendly geometric sans in six weights.", 4500, ["Fonts"], True),
    ("Ledger Serif", "A bookish serif for long reading.", 3900, ["Fonts"], False),
    (
        "Shipping Django",
        "A video course from first model to production.",
        7900,
        ["Courses", "Developer tools"],
        True,
    ),
    (
        "htmx in Practice",
        "Server-rendered interfaces without the bundle.",
        4900,
        ["Courses", "Developer tools"],
        False,
    ),
    (
        "Coastal Light Presets",
        "Twelve Lightroom presets for soft seaside tones.",
        1500,
        ["Photography"],
        False,
    ),
    ("Night City Textures", "40 high-resolution urban textures.", 900, ["Photography"], False),
    (
        "API Mock Server",
        "Record and replay HTTP APIs in your tests.",
        0,
        ["Developer tools"],
        False,
    ),
    (
        "Resume in Markdown",
        "A clean resume template that builds to PDF.",
        500,
        ["Templates"],
        False,
    ),
]

PALETTES = [
    ((79, 70, 229), (168, 85, 247)),
    ((14, 116, 144), (45, 212, 191)),
    ((190, 24, 93), (251, 146, 60)),
    ((30, 64, 175), (56, 189, 248)),
    ((21, 128, 61), (163, 230, 53)),
    ((124, 45, 18), (245, 158, 11)),
]


def _cover(title: str, index: int) -> ContentFile:
    start, end = PALETTES[index % len(PALETTES)]
    image = Image.new("RGB", (960, 720))
    draw = ImageDraw.Draw(image)
    for y in range(720):
        mix = y / 719
        colour = tuple(int(a + (b - a) * mix) for a, b in zip(start, end, strict=True))
        draw.line([(0, y), (960, y)], fill=colour)
    for n in range(9):
        x, y = 560 + (n % 3) * 110, 200 + (n // 3) * 110
        shade = 255 if (n + index) % 4 else 40
        draw.rounded_rectangle([x, y, x + 92, y + 92], radius=20, fill=(shade, shade, shade))
    draw.text((64, 560), title, fill=(255, 255, 255), font_size=56)
    buffer = io.BytesIO()
    image.save(buffer, format="WEBP", quality=80)
    return ContentFile(buffer.getvalue(), name=f"{slugify(title)}.webp")


def _files(title: str, label: str) -> dict[str, bytes]:
    readme = f"# {title}\n\nVersion {label}. Thank you for your purchase.\n".encode()
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("README.md", readme)
        bundle.writestr("LICENSE.txt", "Personal and commercial use. Do not resell.\n")
    return {f"{slugify(title)}-{label}.zip": archive.getvalue(), "README.md": readme}


def _add_version(product: Product, label: str, changelog: str) -> None:
    if product.versions.filter(label=label).exists():
        return
    uploads = [
        SimpleUploadedFile(name, content) for name, content in _files(product.title, label).items()
    ]
    version_add(
        product=product,
        label=label,
        changelog=changelog,
        files=[check_product_file(upload) for upload in uploads],
    )


def seed(*, log) -> None:
    seller = User.objects.get(email="seller@example.com")
    categories = {}
    for name in CATEGORIES:
        categories[name], _ = Category.objects.get_or_create(
            slug=slugify(name), defaults={"name": name}
        )
    for index, (title, tagline, price, in_categories, featured) in enumerate(CATALOG):
        product = Product.objects.filter(seller=seller, title=title).first()
        if product is None:
            description = (
                f"**{title}** — {tagline}\n\n"
                "## What you get\n\n- Lifetime updates in your library\n- A licence for personal "
                "and commercial work\n\n## Good to know\n\nMade with care by Sam Seller."
            )
            product = product_create(
                seller=seller, title=title, tagline=tagline, description=description, price=price
            )
            product_set_cover(product=product, image=_cover(title, index))
            product_set_categories(
                product=product, categories=[categories[name] for name in in_categories]
            )
        _add_version(product, "1.0.0", "First release.")
        product_publish(product=product)
        product_set_featured(products=[product], featured=featured)
    log(f"catalog: {len(CATALOG)} published products by {seller.public_name} ({seller.email})")
