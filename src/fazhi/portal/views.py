from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

# Sections of the portal: (title, url name). A section appears once its app provides the page.
SECTIONS = [
    ("行政执法公示", "portal:enforcement:index"),
    ("“双随机、一公开”抽查计划与结果", "portal:inspections:index"),
    ("现行有效的行政规范性文件", "portal:rulemaking:documents"),
    ("重大行政决策事项目录", "portal:rulemaking:decisions"),
    ("正在征求意见", "portal:rulemaking:consultations"),
    ("法治政府建设年度报告", "portal:reports:index"),
]


def index(request):
    sections = []
    for title, name in SECTIONS:
        try:
            sections.append((title, reverse(name)))
        except NoReverseMatch:
            continue
    return render(request, "portal/index.html", {"sections": sections})
