import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webui.settings")
application = get_wsgi_application()

# Only a web server process compiles the definition checks' schema ahead of time (seconds of
# CPU in a background thread): not every process that loads the URLs, such as a Celery
# worker, a management command or a test run.
from workflows_app.editing.checks import warm_up  # noqa: E402 (needs the app loaded above)

warm_up()
