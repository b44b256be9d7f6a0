from decimal import Decimal

from django import forms

from ops.text import validate_single_line
from shop.forms import to_cents
from shop.models import CURRENCIES, MIN_PAID_PRICE, Category, Product
from shop.uploads import check_product_file, reencode_cover


class PriceField(forms.DecimalField):
    """A price typed in major units (12.50), cleaned to minor units (1250): zero for a free
    product, or at least what a payment provider will charge."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "0 makes it free.")
        super().__init__(
            min_value=0, max_value=Decimal("100000"), max_digits=9, decimal_places=2, **kwargs
        )

    def clean(self, value) -> int:
        cents = to_cents(super().clean(value))
        if 0 < cents < MIN_PAID_PRICE:
            raise forms.ValidationError(
                f"A paid product costs at least {MIN_PAID_PRICE / 100:.2f}; 0 makes it free."
            )
        return cents


class ProductCreateForm(forms.Form):
    title = forms.CharField(max_length=120, validators=[validate_single_line])
    tagline = forms.CharField(max_length=160, required=False, validators=[validate_single_line])
    price = PriceField(initial=0)
    currency = forms.ChoiceField(choices=CURRENCIES, initial="USD")


class TitleForm(forms.Form):
    title = forms.CharField(max_length=120, validators=[validate_single_line])

    def changes(self) -> dict:
        return {"title": self.cleaned_data["title"]}


class TaglineForm(forms.Form):
    tagline = forms.CharField(max_length=160, required=False, validators=[validate_single_line])

    def changes(self) -> dict:
        return {"tagline": self.cleaned_data["tagline"]}


class DescriptionForm(forms.Form):
    description = forms.CharField(
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="Markdown: **bold**, lists, links. HTML is not rendered.",
    )

    def changes(self) -> dict:
        return {"description": self.cleaned_data["description"]}


class PriceForm(forms.Form):
    price = PriceField()
    currency = forms.ChoiceField(choices=CURRENCIES)

    def changes(self) -> dict:
        return {
            "price": self.cleaned_data["price"],
            "currency": self.cleaned_data["currency"],
        }


class CheckboxesFocusFirst(forms.CheckboxSelectMultiple):
    """Checkboxes that pass `autofocus` to the first box only: a page has one element to focus."""

    def create_option(self, *args, **kwargs) -> dict:
        option = super().create_option(*args, **kwargs)
        if option["index"] != "0":
            option["attrs"].pop("autofocus", None)
        return option


class CategoriesForm(forms.Form):
    categories = forms.ModelMultipleChoiceField(
        queryset=Category.objects.all(), required=False, widget=CheckboxesFocusFirst
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Product.Status.choices)


def initial_for(product: Product, field: str) -> dict:
    if field == "price":
        return {"price": Decimal(product.price) / 100, "currency": product.currency}
    if field == "categories":
        return {"categories": list(product.categories.all())}
    return {field: getattr(product, field)}


FIELD_FORMS = {
    "title": TitleForm,
    "tagline": TaglineForm,
    "price": PriceForm,
    "description": DescriptionForm,
    "categories": CategoriesForm,
    "status": StatusForm,
}

FIELD_LABELS = {
    "title": "Title",
    "tagline": "Tagline",
    "price": "Price",
    "description": "Description",
    "categories": "Categories",
    "status": "Status",
}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        items = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        if not items:
            single(None, initial)  # raises "required"
            return []
        return [single(item, initial) for item in items]


class VersionForm(forms.Form):
    MAX_FILES = 20

    label = forms.CharField(
        max_length=40,
        validators=[validate_single_line],
        help_text="For example 1.2.0 or “Spring edition”.",
    )
    changelog = forms.CharField(
        required=False, max_length=10_000, widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What changed, in Markdown.",
    )  # fmt: skip
    files = MultipleFileField(help_text="One or more files. Buyers download them from the library.")

    def __init__(self, *args, product: Product, **kwargs):
        super().__init__(*args, **kwargs)
        self.product = product

    def clean_label(self) -> str:
        label = self.cleaned_data["label"].strip()
        if self.product.versions.filter(label=label).exists():
            raise forms.ValidationError(f"Version {label} already exists.")
        return label

    def clean_files(self) -> list:
        uploads = self.cleaned_data["files"]
        if len(uploads) > self.MAX_FILES:
            raise forms.ValidationError(f"Add at most {self.MAX_FILES} files to a version.")
        checked, errors = [], []
        for upload in uploads:
            try:
                checked.append(check_product_file(upload))
            except forms.ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise forms.ValidationError(errors)
        return checked


class CoverForm(forms.Form):
    cover = forms.FileField(
        help_text="PNG, JPEG, WebP or GIF; shown at 4:3. It is re-encoded for the web.",
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/png,image/jpeg,image/webp,image/gif"}
        ),
    )

    def clean_cover(self):
        return reencode_cover(self.cleaned_data["cover"])


class ShortLinkForm(forms.Form):
    label = forms.CharField(
        max_length=80,
        validators=[validate_single_line],
        help_text="A campaign or a channel, e.g. “Newsletter”.",
    )
