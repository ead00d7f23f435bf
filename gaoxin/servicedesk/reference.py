"""The desk's reference data as a new zone starts with it (the zone edits it afterwards):
the departments that take escalated matters, the duties of a grid's team ("1+3") and the request
categories with their default department and working-day limits per step."""

from typing import Any

DEPARTMENTS = [
    ("hr", "人力资源和社会保障局", "Human Resources and Social Security Bureau"),
    ("market", "市场监督管理局", "Market Regulation Bureau"),
    ("construction", "住房和城乡建设局", "Housing and Urban-Rural Development Bureau"),
    ("tax", "税务局", "Tax Bureau"),
    ("emergency", "应急管理局", "Emergency Management Bureau"),
    ("science", "科技创新局", "Science and Innovation Bureau"),
    ("planning", "自然资源和规划局", "Natural Resources and Planning Bureau"),
    ("finance", "财政金融局", "Finance Bureau"),
]

# code, Chinese, English, core duty
DUTIES = [
    ("service", "企业服务", "Enterprise service", True),
    ("safety", "安全生产", "Work safety", False),
    ("statistics", "数据统计", "Statistics collection", False),
    ("health", "卫生防疫", "Public-health prevention", False),
]

# code, Chinese, English, department, limits in working days: officer, leader, department,
# leadership
CATEGORIES = [
    ("policy", "政策咨询", "Policy questions", "science", 3, 2, 5, 5),
    ("hiring", "用工招聘", "Hiring and staff", "hr", 5, 3, 10, 5),
    ("financing", "融资需求", "Financing", "finance", 5, 3, 10, 5),
    ("space", "空间载体与用地", "Space and land", "planning", 5, 5, 15, 10),
    ("approvals", "审批手续", "Approvals and permits", "market", 3, 3, 10, 5),
    ("utilities", "水电气暖", "Utilities", "construction", 3, 2, 5, 5),
    ("safety", "安全隐患", "Safety hazards", "emergency", 2, 1, 3, 3),
    ("tax", "税费事项", "Taxes and fees", "tax", 3, 3, 10, 5),
    ("other", "其他诉求", "Other matters", None, 5, 3, 10, 5),
]


def seed(department_model: Any, duty_model: Any, category_model: Any) -> None:
    """Create what is missing (the migration passes its historical models; tests that flush the
    database call it with the real ones)."""
    departments = {}
    for code, zh, en in DEPARTMENTS:
        departments[code], _ = department_model.objects.get_or_create(
            code=code, defaults={"name_zh": zh, "name_en": en}
        )
    for order, (code, zh, en, core) in enumerate(DUTIES):
        duty_model.objects.get_or_create(
            code=code, defaults={"name_zh": zh, "name_en": en, "core": core, "sort_order": order}
        )
    for order, (code, zh, en, dept, a, b, c, d) in enumerate(CATEGORIES):
        category_model.objects.get_or_create(
            code=code,
            defaults={
                "name_zh": zh,
                "name_en": en,
                "department": departments.get(dept) if dept else None,
                "officer_days": a,
                "leader_days": b,
                "department_days": c,
                "leadership_days": d,
                "sort_order": order,
            },
        )
