from django.contrib import admin

from .models import DemoDataset


@admin.register(DemoDataset)
class DemoDatasetAdmin(admin.ModelAdmin):
    list_display = ["seed", "households", "loaded_at"]
    readonly_fields = ["seed", "households", "truths", "loaded_at", "job"]
