from django.urls import reverse

NAVIGATION = [
    ("Workflows", "workflows:list"),
    ("Runs", "runs:list"),
    ("Transfers", "bulk:list"),
    ("Audit log", "audit:list"),
]


def _nav_items(request):
    items = []
    for label, name in NAVIGATION:
        url = reverse(name)
        items.append({"label": label, "url": url, "current": request.path.startswith(url)})
    return items


def shell(request):
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {"nav_items": []}
    account = getattr(request.user, "civis", None)
    return {"nav_items": _nav_items(request), "account": account}
