from django.shortcuts import render


def home(request):
    return render(request, "workflows_app/home.html")
