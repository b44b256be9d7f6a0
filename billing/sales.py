"""A seller's sales, in figures and one by one.

The figures (/studio/sales/): sales, revenue, refunds and chargebacks per day over a range,
per product, and active owners (read from access), with a bar chart drawn as SVG on the
server. What else billing sells about a product (billing.fulfilment: a support request) is
revenue too, but no sale of the product: it is counted, and listed per product, on its own.
Four queries whatever the range or the number of orders; the page is cached per seller and
forgotten on every sale, refund or chargeback of theirs (`sales_changed`).

The list (/studio/sales/list/): every order of theirs ever paid, newest first, a page at a
time by keyset (no count of a long history), filtered by product and status, and the same as
CSV."""

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django import forms
from django.db.models import Case, Count, F, Q, QuerySet, Sum, When
from django.db.models.functions import TruncDate
from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone
from django.utils.html import format_html_join

from access.selectors import active_owner_counts
from accounts.pages import ACCOUNT
from billing.models import Order
from ops.pagecache import PageScope
from shop.catalog import PAGES
from shop.models import Product

SALES_TTL = 300
PRESETS = (7, 30, 90, 365)
DEFAULT_DAYS = 30
MAX_DAYS = 366
TOP_PRODUCTS = 50
SALES = PageScope("sales")


def sales_scopes(request: HttpRequest) -> list[str]:
    # The catalog's too: product titles appear in the per-product table.
    return [SALES.of(request.user.pk), ACCOUNT.of(request.user.pk), PAGES.of()]


def sales_changed(*, seller_id: int) -> None:
    SALES.changed(seller_id)


@dataclass
class Day:
    day: date
    sales: int = 0  # of products
    revenue: int = 0  # products and other items
    support: int = 0  # other items sold (support requests)
    support_revenue: int = 0
    refunds: int = 0
    refunded: int = 0
    chargebacks: int = 0
    charged_back: int = 0

    @property
    def lost(self) -> int:
        """What went back to buyers: refunded and charged back."""
        return self.refunded + self.charged_back


@dataclass
class ProductRow:
    """A product's figures in one currency, for the product itself or (`item`) for what else
    was sold about it."""

    product_id: int
    title: str
    item: str
    currency: str
    sales: int
    revenue: int
    refunds: int
    refunded: int
    chargebacks: int
    charged_back: int
    owners: int = 0

    @property
    def net(self) -> int:
        return self.revenue - self.refunded - self.charged_back


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    kind: str  # "sale", "refund" or "chargeback"
    day: Day


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: int
    right: int
    baseline: float
    bars: list[Bar]
    y_labels: list[tuple[float, int, bool]]  # (y, minor units, below the baseline)
    x_labels: list[tuple[float, date]]


@dataclass
class CurrencyReport:
    currency: str
    days: list[Day]

    @property
    def sales(self) -> int:
        return sum(day.sales for day in self.days)

    @property
    def revenue(self) -> int:
        return sum(day.revenue for day in self.days)

    @property
    def support(self) -> int:
        return sum(day.support for day in self.days)

    @property
    def support_revenue(self) -> int:
        return sum(day.support_revenue for day in self.days)

    @property
    def refunds(self) -> int:
        return sum(day.refunds for day in self.days)

    @property
    def refunded(self) -> int:
        return sum(day.refunded for day in self.days)

    @property
    def chargebacks(self) -> int:
        return sum(day.chargebacks for day in self.days)

    @property
    def charged_back(self) -> int:
        return sum(day.charged_back for day in self.days)

    @property
    def net(self) -> int:
        return self.revenue - self.refunded - self.charged_back

    @property
    def chart(self) -> Chart:
        return bar_chart(self.days)


@dataclass
class SalesReport:
    start: date
    end: date
    currencies: list[CurrencyReport]
    products: list[ProductRow]
    support: list[ProductRow]  # support requests sold, per product
    more_products: bool
    active_owners: int

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
    )


def presets(today: date) -> list[tuple[int, date, date]]:
    """(days, start, end) of the ranges offered as links."""
    return [(days, today - timedelta(days=days - 1), today) for days in PRESETS]


def sales_report(*, seller_id: int, start: date, end: date) -> SalesReport:
    since, until = _bounds(start, end)
    orders = Order.objects.filter(product__seller_id=seller_id)
    sold = Q(paid_at__gte=since, paid_at__lt=until)
    refunded = Q(status=Order.Status.REFUNDED, refunded_at__gte=since, refunded_at__lt=until)
    charged_back = Q(
        status=Order.Status.CHARGED_BACK, charged_back_at__gte=since, charged_back_at__lt=until
    )
    is_refund, is_chargeback = Q(status=Order.Status.REFUNDED), Q(status=Order.Status.CHARGED_BACK)
    other_item = ~Q(item="product")

    # Every order ever paid counts as a sale on the day it was paid, refunded or charged back
    # later or not; a refund counts on the day it was made, a chargeback on the day it was lost.
    by_currency: dict[str, dict[date, Day]] = {}

    def day(currency: str, when: date) -> Day:
        days = by_currency.setdefault(currency, {})
        return days.setdefault(when, Day(when))

    for row in (
        orders.filter(sold)
        .annotate(day=TruncDate("paid_at"))
        .values("day", "currency")
        .annotate(
            count=Count("pk", filter=~other_item),
            total=Sum("amount"),
            support=Count("pk", filter=other_item),
            support_total=Sum("amount", filter=other_item, default=0),
        )
        .order_by()
    ):
        entry = day(row["currency"], row["day"])
        entry.sales, entry.revenue = row["count"], row["total"]
        entry.support, entry.support_revenue = row["support"], row["support_total"]
    money_back_at = Case(When(is_refund, then=F("refunded_at")), default=F("charged_back_at"))
    for row in (
        orders.filter(refunded | charged_back)
        .annotate(day=TruncDate(money_back_at))
        .values("day", "currency")
        .annotate(
            refunds=Count("pk", filter=is_refund),
            refunded=Sum("amount", filter=is_refund, default=0),
            chargebacks=Count("pk", filter=is_chargeback),
            charged_back=Sum("amount", filter=is_chargeback, default=0),
        )
        .order_by()
    ):
        entry = day(row["currency"], row["day"])
        entry.refunds, entry.refunded = row["refunds"], row["refunded"]
        entry.chargebacks, entry.charged_back = row["chargebacks"], row["charged_back"]

    span = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    currencies = [
        CurrencyReport(currency, [found.get(when) or Day(when) for when in span])
        for currency, found in sorted(by_currency.items())
    ]

    rows = list(
        orders.filter(sold | refunded | charged_back)
        .values("product_id", "product__title", "item", "currency")
        .annotate(
            sales=Count("pk", filter=sold),
            revenue=Sum("amount", filter=sold, default=0),
            refunds=Count("pk", filter=refunded),
            refunded=Sum("amount", filter=refunded, default=0),
            chargebacks=Count("pk", filter=charged_back),
            charged_back=Sum("amount", filter=charged_back, default=0),
        )
        .order_by("-revenue", "product__title", "item", "currency")[: TOP_PRODUCTS + 1]
    )
    owners = active_owner_counts(seller_id=seller_id)
    shown = [
        ProductRow(
            product_id=row["product_id"],
            title=row["product__title"],
            item=row["item"],
            currency=row["currency"],
            sales=row["sales"],
            revenue=row["revenue"],
            refunds=row["refunds"],
            refunded=row["refunded"],
            chargebacks=row["chargebacks"],
            charged_back=row["charged_back"],
            owners=owners.get(row["product_id"], 0),
        )
        for row in rows[:TOP_PRODUCTS]
    ]
    return SalesReport(
        start=start,
        end=end,
        currencies=currencies,
        products=[row for row in shown if row.item == "product"],
        support=[row for row in shown if row.item != "product"],
        more_products=len(rows) > TOP_PRODUCTS,
        active_owners=sum(owners.values()),
    )


# The chart's geometry, in SVG user units (the SVG scales to its container).
WIDTH, HEIGHT = 720, 240
LEFT, RIGHT, TOP, BOTTOM = 72, 8, 10, 26
X_LABELS = 6


def bar_chart(days: list[Day]) -> Chart:
    """Revenue per day as bars above the baseline; refunds below it, chargebacks under them."""
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    highest = max((day.revenue for day in days), default=0)
    deepest = max((day.lost for day in days), default=0)
    scale = plot_height / (highest + deepest) if highest + deepest else 0
    baseline = TOP + (highest * scale if deepest else plot_height)
    slot = plot_width / max(len(days), 1)
    bars = []
    for n, day in enumerate(days):
        x = LEFT + n * slot + slot * 0.15
        width = max(slot * 0.7, 0.5)
        if day.revenue:
            height = day.revenue * scale
            bars.append(Bar(x, baseline - height, width, height, "sale", day))
        if day.refunded:
            height = day.refunded * scale
            bars.append(Bar(x, baseline, width, height, "refund", day))
        if day.charged_back:
            height = day.charged_back * scale
            bars.append(Bar(x, baseline + day.refunded * scale, width, height, "chargeback", day))
    y_labels = [(baseline, 0, False)]
    if highest:
        y_labels.append((TOP, highest, False))
    if deepest:
        y_labels.append((baseline + deepest * scale, deepest, True))
    step = max(1, round(len(days) / X_LABELS))
    x_labels = [(LEFT + n * slot + slot / 2, days[n].day) for n in range(0, len(days), step)]
    return Chart(WIDTH, HEIGHT, LEFT, WIDTH - RIGHT, baseline, bars, y_labels, x_labels)


# The sales list.

S = Order.Status
# An order that was ever paid, and what became of it.
SALE_STATUSES = {
    S.PAID: "Paid",
    S.DISPUTED: "Disputed",
    S.REFUNDED: "Refunded",
    S.CHARGED_BACK: "Charged back",
}
SALE_LIST_SIZE = 50
# What a row of the list reads, and nothing else (a buyer's password hash, say).
SALE_FIELDS = (
    "public_id",
    "item",
    "amount",
    "currency",
    "status",
    "paid_at",
    "product__title",
    "buyer__name",
    "buyer__display_name",
)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def cursor_of(order: Order) -> str:
    """Where a page of the list starts or ends: the order's payment time (whole microseconds
    since 1970) and id, its place in the list's order."""
    return f"{(order.paid_at - _EPOCH) // timedelta(microseconds=1)}.{order.pk}"


BROKEN_PAGE_LINK = "This page link is broken: start again from the newest sale."


def _parse_cursor(value: str) -> tuple[datetime, int]:
    micros, dot, pk = value.partition(".")
    if not (dot and micros.isascii() and micros.isdigit() and pk.isascii() and pk.isdigit()):
        raise forms.ValidationError(BROKEN_PAGE_LINK)
    try:
        return _EPOCH + timedelta(microseconds=int(micros)), int(pk)
    except OverflowError:
        raise forms.ValidationError(BROKEN_PAGE_LINK) from None


class SaleFilter(forms.Form):
    """The list's filters, the page it is at (`after`: older than; `before`: newer than a
    cursor_of), and whether it is wanted as CSV."""

    product = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *SALE_STATUSES.items()])
    after = forms.CharField(required=False, max_length=40)
    before = forms.CharField(required=False, max_length=40)
    format = forms.ChoiceField(required=False, choices=[("", "Page"), ("csv", "CSV")])

    def __init__(self, *args, seller_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        # Only products that sold, as a plain list the page renders itself: a seller may have
        # thousands, and Django's widget renders each option through a template of its own.
        sold = Order.objects.filter(product__seller_id=seller_id, status__in=SALE_STATUSES)
        self.products = list(
            Product.objects.filter(pk__in=sold.values("product_id"))
            .order_by("title", "pk")
            .values_list("pk", "title")
        )
        self.fields["product"].choices = [("", "Any product"), *self.products]

    def clean_after(self):
        return _parse_cursor(self.cleaned_data["after"]) if self.cleaned_data["after"] else None

    def clean_before(self):
        return _parse_cursor(self.cleaned_data["before"]) if self.cleaned_data["before"] else None

    def product_options(self) -> str:
        chosen = str(self["product"].value() or "")
        return format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((pk, " selected" if str(pk) == chosen else "", title) for pk, title in self.products),
        )


def seller_sales(*, seller_id: int, product_id: int | None = None, status: str = "") -> QuerySet:
    """The seller's orders that were ever paid (of their product, in their state, if given),
    with what a row of the list shows."""
    sales = Order.objects.filter(product__seller_id=seller_id, status__in=SALE_STATUSES)
    if product_id:
        sales = sales.filter(product_id=product_id)
    if status:
        sales = sales.filter(status=status)
    return sales.select_related("product", "buyer").only(*SALE_FIELDS)


@dataclass
class SalePage:
    sales: list[Order]
    older: str = ""  # the cursor of the next page back in time, if there is one
    newer: str = ""  # the cursor of the next page forward in time, if this is not the newest
    first: bool = True  # the newest page


def sale_page(
    sales: QuerySet,
    *,
    after: tuple[datetime, int] | None = None,
    before: tuple[datetime, int] | None = None,
    size: int = SALE_LIST_SIZE,
) -> SalePage:
    """One page of `sales`, newest first: the newest, the one older than `after`, or the one
    newer than `before` (the newest instead, when that would be short). One query, two for a
    `before` that reaches the newest. Each order carries its `sale_status` label."""
    page = _sale_page(sales, after=after, before=before, size=size)
    for order in page.sales:
        order.sale_status = SALE_STATUSES[order.status]
    return page


def _sale_page(sales: QuerySet, *, after, before, size: int) -> SalePage:
    if before is not None:
        paid_at, pk = before
        rows = list(
            sales.filter(Q(paid_at__gt=paid_at) | Q(paid_at=paid_at, pk__gt=pk)).order_by(
                "paid_at", "pk"
            )[: size + 1]
        )
        if len(rows) > size:
            rows = rows[:size][::-1]
            return SalePage(rows, older=cursor_of(rows[-1]), newer=cursor_of(rows[0]), first=False)
        return _sale_page(sales, after=None, before=None, size=size)
    newest_first = sales.order_by("-paid_at", "-pk")
    if after is not None:
        paid_at, pk = after
        newest_first = newest_first.filter(Q(paid_at__lt=paid_at) | Q(paid_at=paid_at, pk__lt=pk))
    rows = list(newest_first[: size + 1])
    page = SalePage(rows[:size], first=after is None)
    if len(rows) > size:
        page.older = cursor_of(page.sales[-1])
    if after is not None and page.sales:
        page.newer = cursor_of(page.sales[0])
    return page


# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection): such a
# cell is sent with a quote in front, which the spreadsheet shows as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_COLUMNS = ["Paid at", "Order", "Product", "Item", "Buyer", "Amount", "Currency", "Status"]


def csv_cell(value: object) -> str:
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def sale_row(order: Order) -> list[str]:
    paid_at = timezone.localtime(order.paid_at)
    return [
        csv_cell(cell)
        for cell in (
            paid_at.strftime("%Y-%m-%d %H:%M:%S"),
            order.public_id,
            order.product.title,
            order.get_item_display(),
            order.buyer.public_name,
            f"{Decimal(order.amount) / 100:.2f}",
            order.currency,
            SALE_STATUSES[order.status],
        )
    ]


class _Line:
    """A file-like object whose write returns what is written: csv.writer's output, one row
    at a time, for a streamed response."""

    def write(self, value: str) -> str:
        return value


def sales_csv(sales: QuerySet, *, filename: str) -> StreamingHttpResponse:
    """`sales`, newest first, as a CSV file streamed row by row (a long history is never held
    in memory), read in chunks."""
    writer = csv.writer(_Line())

    def rows() -> Iterator[str]:
        yield writer.writerow(CSV_COLUMNS)
        for order in sales.order_by("-paid_at", "-pk").iterator(chunk_size=2000):
            yield writer.writerow(sale_row(order))

    return StreamingHttpResponse(
        rows(),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
