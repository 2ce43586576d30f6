"""Routes of the curation board and the plan's exports: /orga/events/<event_pk>/plan/..."""

from django.urls import path

from netweave.web.orga.views import exports, plans, sending

P = "events/<int:event_pk>/plan/"
V = P + "v<int:number>/"

urlpatterns = [
    path(P, plans.board, name="plan"),
    path(P + "generate/", plans.generate, name="plan_generate"),
    path(P + "forbid/", plans.forbid, name="plan_forbid"),
    path(P + "forbidden/<int:pair_pk>/delete/", plans.unforbid, name="plan_unforbid"),
    path(P + "meetings/<int:meeting_pk>/pin/", plans.pin_meeting, name="plan_pin_meeting"),
    path(P + "groups/<int:group_pk>/pin/", plans.pin_group, name="plan_pin_group"),
    path(P + "send/", sending.send, name="plan_send"),
    path(V, plans.version, name="plan_version"),
    path(V + "progress/", plans.progress, name="plan_progress"),
    path(V + "diff/", plans.diff, name="plan_diff"),
    path(V + "swap/", plans.swap, name="plan_swap"),
    path(V + "replan/", plans.replan, name="plan_replan"),
    path(V + "publish/", plans.publish, name="plan_publish"),
    # downloads: the published version unless ?version=N
    path(P + "export/zoom.zip", exports.zoom, name="export_zoom"),
    path(P + "export/groups.csv", exports.groups, name="export_groups"),
    path(P + "export/schedule.csv", exports.schedule_csv, name="export_schedule_csv"),
    path(P + "export/schedule.xlsx", exports.schedule_xlsx, name="export_schedule_xlsx"),
    path(P + "runsheet/", exports.runsheet, name="runsheet"),
]
