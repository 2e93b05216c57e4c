from django.urls import path

from . import logs, own_password, params, units, users, views, workcalendar

app_name = "system"
urlpatterns = [
    path("", views.index, name="index"),
    path("params/", params.parameters, name="params"),
    path("params/local/", params.local_value, name="param-local"),
    path("params/recompute/", params.recompute_deadlines, name="params-recompute"),
    path("password/", own_password.password_change, name="password-change"),
    path("calendar/", workcalendar.calendar_list, name="calendar"),
    path("calendar/<int:year>/", workcalendar.calendar_year, name="calendar-year"),
    path("users/", users.user_list, name="users"),
    path("users/add/", users.user_add, name="user-add"),
    path("users/export/", users.user_export, name="user-export"),
    path("users/import/", users.user_import, name="user-import"),
    path("users/import/template/", users.user_import_template, name="user-import-template"),
    path("users/<int:pk>/", users.user_edit, name="user-edit"),
    path("users/<int:pk>/disable/", users.user_disable, name="user-disable"),
    path("users/<int:pk>/enable/", users.user_enable, name="user-enable"),
    path("users/<int:pk>/reset-password/", users.user_reset_password, name="user-reset-password"),
    path("logs/logins/", logs.login_log, name="login-log"),
    path("logs/logins/export/", logs.login_log_export, name="login-log-export"),
    path("logs/operations/", logs.operation_log, name="operation-log"),
    path("logs/operations/export/", logs.operation_log_export, name="operation-log-export"),
    path("logs/reveals/", logs.reveal_log, name="reveal-log"),
    path("logs/reveals/export/", logs.reveal_log_export, name="reveal-log-export"),
    path("units/", units.unit_list, name="units"),
    path("units/new/", units.unit_create, name="unit-create"),
    path("units/import/", units.unit_import, name="units-import"),
    path("units/import/template/", units.unit_template, name="units-template"),
    path("units/export/", units.unit_export, name="units-export"),
    path("units/changes/", units.change_list, name="unit-changes"),
    path("units/changes/new/", units.change_new, name="unit-change-new"),
    path("units/<int:pk>/", units.unit_detail, name="unit-detail"),
    path("units/<int:pk>/edit/", units.unit_edit, name="unit-edit"),
]
