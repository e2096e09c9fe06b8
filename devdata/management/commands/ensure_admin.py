import os
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Make sure an admin user exists (FOGWATCH_ADMIN_USER, default 'admin') in the editors group. "
        "The password is FOGWATCH_ADMIN_PASSWORD, or one generated and printed when the user is first made."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--url", default="http://127.0.0.1:8000/admin/", help="Where the admin is served (shown in the message)."
        )

    def handle(self, *args, **options):
        User = get_user_model()
        username = os.environ.get("FOGWATCH_ADMIN_USER", "admin")
        password = os.environ.get("FOGWATCH_ADMIN_PASSWORD", "")
        user = User.objects.filter(username=username).first()
        created = user is None
        if created:
            password = password or secrets.token_urlsafe(12)
            user = User.objects.create_superuser(username=username, email="", password=password)
        else:
            # An existing user of that name must be able to log into the admin too.
            if password:
                user.set_password(password)
            user.is_staff = user.is_superuser = user.is_active = True
            user.save()
        user.groups.add(Group.objects.get(name="editors"))
        self.stdout.write(self.style.SUCCESS(f"Log into the admin at {options['url']}"))
        if password:
            self.stdout.write(f"  user: {username}\n  password: {password}")
        else:
            self.stdout.write(f"  user: {username} (password set earlier; set FOGWATCH_ADMIN_PASSWORD to reset it)")
