from django.db import models


class RiskClass(models.TextChoices):
    """Credit-risk classes pushed by the 国家“互联网+监管” platform (A lowest risk … E highest)."""

    A = "A", "A类（信用风险低）"
    B = "B", "B类（信用风险较低）"
    C = "C", "C类（信用风险一般）"
    D = "D", "D类（信用风险较高）"
    E = "E", "E类（信用风险高）"


RISK_CLASSES = [c.value for c in RiskClass]


class Industry(models.TextChoices):
    """The 门类 of GB/T 4754-2017 国民经济行业分类."""

    A = "A", "农、林、牧、渔业"
    B = "B", "采矿业"
    C = "C", "制造业"
    D = "D", "电力、热力、燃气及水生产和供应业"
    E = "E", "建筑业"
    F = "F", "批发和零售业"
    G = "G", "交通运输、仓储和邮政业"
    H = "H", "住宿和餐饮业"
    I = "I", "信息传输、软件和信息技术服务业"  # noqa: E741
    J = "J", "金融业"
    K = "K", "房地产业"
    L = "L", "租赁和商务服务业"
    M = "M", "科学研究和技术服务业"
    N = "N", "水利、环境和公共设施管理业"
    O = "O", "居民服务、修理和其他服务业"  # noqa: E741
    P = "P", "教育"
    Q = "Q", "卫生和社会工作"
    R = "R", "文化、体育和娱乐业"
    S = "S", "公共管理、社会保障和社会组织"
    T = "T", "国际组织"


class EntityType(models.TextChoices):
    COMPANY = "company", "企业"
    INDIVIDUAL = "individual", "个体工商户"
    COOPERATIVE = "cooperative", "农民专业合作社"
    OTHER = "other", "其他组织"


class MatterCategory(models.TextChoices):
    GENERAL = "general", "一般检查事项"
    KEY = "key", "重点检查事项"


class TaskStatus(models.TextChoices):
    DRAFT = "draft", "待抽取"
    DRAWN = "drawn", "已抽取"


class Result(models.TextChoices):
    NO_PROBLEM = "no_problem", "未发现问题"
    RECTIFY = "rectify", "发现问题，已责令整改"
    CASE = "case", "发现问题，已立案查处"
    TRANSFER = "transfer", "发现问题，已移送有关部门"
    UNREACHABLE = "unreachable", "通过登记的住所（经营场所）无法联系"


PROBLEM_RESULTS = {Result.RECTIFY, Result.CASE, Result.TRANSFER, Result.UNREACHABLE}
