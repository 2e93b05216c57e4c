"""Test data: factory_boy factories for the rows of every ledger, and the small builders the tests share.

A ledger factory makes one valid row in a `unit`; its text columns (those the list pages show) carry `marker`,
so that a test can tell from a page whose row it shows: ``ServiceItemFactory(unit=unit, marker="MK1Z")``.
Rows a row needs (the item of an application, the body of an officer) are made in the same unit, their marker
the row's with a suffix. LEDGER_FACTORIES maps the slug of every registered ledger to its factory: the data-scope
walk and the API fuzzing make one row of each ledger with it, and a ledger registered without one fails
tests/test_factories.py.

Demo data is not here: it lives in each app's demo module (fazhi.<app>.demo), which the product ships.
"""

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from fazhi.assessment.models import SelfAssessment
from fazhi.core.identifiers import id_check_char, uscc_check_char
from fazhi.disputes.choices import ActType, DisputeType, MediationOrgType, PetitionChannel
from fazhi.disputes.models import (
    Lawsuit,
    MediatedDispute,
    MediationOrganisation,
    Mediator,
    Petition,
    ReconsiderationCase,
)
from fazhi.enforcement import rules as enforcement_rules
from fazhi.enforcement.choices import CertificateKind, MatterType, PartyType
from fazhi.enforcement.models import Case, Certificate, EnforcementBody, Matter, Officer
from fazhi.inspections import rules as inspection_rules
from fazhi.inspections.choices import Industry, RiskClass
from fazhi.inspections.models import (
    Conflict,
    InspectionMatter,
    InspectionPlan,
    InspectionTask,
    MarketEntity,
    TaskEntity,
)
from fazhi.metrics.models import LedgerSnapshot, Observation, ObservationBatch, Source
from fazhi.org.choices import UnitLevel, UnitType
from fazhi.org.models import Region, Unit
from fazhi.oversight.choices import DisclosureChannel, SuggestionKind
from fazhi.oversight.models import DisclosureRequest, Suggestion
from fazhi.publicity.choices import EventType, ExamType, StudyKind, TrainingKind
from fazhi.publicity.models import LawExam, LawStudySession, PublicityEvent, Training
from fazhi.reports.models import AnnualReport, NarrativeBlock, Section
from fazhi.rulemaking.choices import AdviserKind, DecisionCategory, LegislationKind, ReviewSubject
from fazhi.rulemaking.models import (
    CleanupCampaign,
    Consultation,
    DecisionCatalogue,
    LegalAdviser,
    LegalityReview,
    LegislationProject,
    MajorDecision,
    NormativeDocument,
)
from fazhi.services.choices import ApplicantType, ApplicationStatus, Channel, ItemType, RatingChannel
from fazhi.services.models import Application, Rating, ServiceItem

# -- valid identifiers ------------------------------------------------------------------------------------------


def valid_uscc(n: int = 1) -> str:
    body = f"9199010{n:010d}"[:17]
    return body + uscc_check_char(body)


def valid_id(n: int = 1) -> str:
    body = f"990102198705{(n % 28) + 1:02d}{n % 1000:03d}"
    return body + id_check_char(body)


def serial_id(n: int) -> str:
    """A valid 身份证号 for each n, no two alike (birth dates from 1970 on, a thousand a day)."""
    body = f"990102{dt.date(1970, 1, 1) + dt.timedelta(days=n // 1000):%Y%m%d}{n % 1000:03d}"
    return body + id_check_char(body)


def serial_uscc(n: int, prefix: str = "91990100MA") -> str:
    """A valid 统一社会信用代码 for each n, no two alike."""
    body = f"{prefix}{n % 10**7:07d}"
    return body + uscc_check_char(body)


# -- the unit tree ----------------------------------------------------------------------------------------------


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"97{n % 10000:04d}")
    name = factory.LazyAttribute(lambda o: f"测试区{o.code}")


class UnitFactory(DjangoModelFactory):
    """A unit of its own; the shared tree of the tests is the `tree` fixture (tests/conftest.py)."""

    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"U{n}")
    name = factory.LazyAttribute(lambda o: f"测试单位{o.code}")
    unit_type = UnitType.DEPARTMENT
    level = UnitLevel.CITY
    region = factory.SubFactory(RegionFactory)


class LedgerRowFactory(DjangoModelFactory):
    """A row of a ledger in `unit`, its text carrying `marker`."""

    class Meta:
        abstract = True
        skip_postgeneration_save = True

    class Params:
        marker = factory.Sequence(lambda n: f"S{n}Z")

    unit = factory.SubFactory(UnitFactory)


def part_of(suffix: str, **fields) -> dict:
    """Arguments of a SubFactory for a row the row needs: in the same unit, its marker the row's plus suffix."""
    return {
        "unit": factory.SelfAttribute("..unit"),
        "marker": factory.LazyAttribute(lambda o: f"{o.factory_parent.marker}{suffix}"),
        **fields,
    }


# -- 政务服务 ---------------------------------------------------------------------------------------------------


class ServiceItemFactory(LedgerRowFactory):
    class Meta:
        model = ServiceItem

    code = factory.LazyAttribute(lambda o: f"ITEM-{o.marker}")
    name = factory.LazyAttribute(lambda o: f"事项{o.marker}")
    item_type = ItemType.LICENSING
    statutory_limit = 20
    promised_limit = 5
    effective_from = dt.date(2024, 1, 1)


class ApplicationFactory(LedgerRowFactory):
    class Meta:
        model = Application

    number = factory.LazyAttribute(lambda o: f"BJ-{o.marker}")
    item = factory.SubFactory(ServiceItemFactory, **part_of("-item"))
    applicant_type = ApplicantType.ENTITY
    applicant_name = factory.LazyAttribute(lambda o: f"申请人{o.marker}")
    applicant_id_number = factory.Sequence(lambda n: serial_uscc(n, prefix="91990000MA"))
    channel = Channel.ONLINE
    received_on = dt.date(2025, 3, 3)


class RatingFactory(LedgerRowFactory):
    class Meta:
        model = Rating

    application = factory.SubFactory(
        ApplicationFactory,
        **part_of(
            "-app",
            status=ApplicationStatus.DECIDED,
            accepted_on=dt.date(2025, 3, 4),
            decided_on=dt.date(2025, 3, 4),
        ),
    )
    stars = 5
    channel = RatingChannel.ONLINE
    comment = factory.LazyAttribute(lambda o: f"评价{o.marker}")
    rated_on = dt.date(2025, 3, 5)


def make_item(unit, code="I-1", statutory=20, promised=5, **extra):
    return ServiceItemFactory(
        unit=unit, code=code, name=f"测试事项{code}", statutory_limit=statutory, promised_limit=promised, **extra
    )


def make_application(item, number="A-1", received=dt.date(2025, 6, 3), **extra):
    return ApplicationFactory(
        unit=item.unit,
        item=item,
        number=number,
        applicant_type=ApplicantType.PERSON,
        applicant_name="张三",
        applicant_id_number=valid_id(),
        channel=Channel.WINDOW,
        received_on=received,
        **extra,
    )


# -- 行政执法 ---------------------------------------------------------------------------------------------------


class EnforcementBodyFactory(LedgerRowFactory):
    class Meta:
        model = EnforcementBody

    code = factory.LazyAttribute(lambda o: f"B-{o.marker}"[:32])
    name = factory.LazyAttribute(lambda o: f"执法主体{o.marker}")
    legal_basis = "《中华人民共和国行政处罚法》第十七条"


class CertificateFactory(LedgerRowFactory):
    class Meta:
        model = Certificate

    officer = factory.SubFactory("tests.factories.OfficerFactory", **part_of("-o"))
    number = factory.LazyAttribute(lambda o: o.marker[:40])
    issued_on = dt.date(2024, 1, 1)
    expires_on = dt.date(2029, 12, 31)


class OfficerFactory(LedgerRowFactory):
    """An officer of a body, holding a valid 执法证 (so that a case may name them)."""

    class Meta:
        model = Officer

    body = factory.SubFactory(EnforcementBodyFactory, **part_of("-b"))
    name = factory.LazyAttribute(lambda o: f"执法人员{o.marker}")
    id_number = factory.Sequence(serial_id)
    law_category = "综合执法"
    certificate = factory.RelatedFactory(
        CertificateFactory,
        factory_related_name="officer",
        unit=factory.SelfAttribute("..unit"),
        kind=CertificateKind.ENFORCEMENT,
        number=factory.Sequence(lambda n: f"Z{n:08d}"),
        issued_on=dt.date(2020, 1, 1),
        expires_on=dt.date(2099, 12, 31),
    )


class MatterFactory(LedgerRowFactory):
    class Meta:
        model = Matter

    code = factory.LazyAttribute(lambda o: f"M-{o.marker}"[:64])
    name = factory.LazyAttribute(lambda o: f"执法事项{o.marker}")
    matter_type = MatterType.PENALTY
    body = factory.SubFactory(EnforcementBodyFactory, **part_of("-b"))
    legal_basis = "《中华人民共和国食品安全法》第一百二十二条"


class CaseFactory(LedgerRowFactory):
    """A case opened (立案) the way the product opens one, by two certified officers of the matter's body."""

    class Meta:
        model = Case

    number = factory.LazyAttribute(lambda o: f"AJ-{o.marker}")
    matter = factory.SubFactory(MatterFactory, **part_of("-m"))
    party_type = PartyType.ENTITY
    party_name = factory.LazyAttribute(lambda o: f"当事人{o.marker}")
    party_id_number = factory.Sequence(serial_uscc)
    opened_on = dt.date(2025, 3, 3)
    officers = factory.LazyAttribute(
        lambda o: [OfficerFactory(unit=o.unit, body=o.matter.body, marker=f"{o.marker}-o{i}") for i in (1, 2)]
    )

    @classmethod
    def _create(cls, model_class, *args, **fields):
        return enforcement_rules.open_case(**fields)


# -- 双随机、一公开 ---------------------------------------------------------------------------------------------


class MarketEntityFactory(LedgerRowFactory):
    class Meta:
        model = MarketEntity

    uscc = factory.Sequence(lambda n: serial_uscc(n, prefix="92990100MA"))
    name = factory.LazyAttribute(lambda o: f"检查对象{o.marker}")
    industry = Industry.F
    region = factory.LazyAttribute(lambda o: o.unit.region)
    risk_class = RiskClass.C


class InspectionMatterFactory(LedgerRowFactory):
    class Meta:
        model = InspectionMatter

    code = factory.LazyAttribute(lambda o: f"SC-{o.marker}"[:64])
    name = factory.LazyAttribute(lambda o: f"抽查事项{o.marker}")
    body = factory.SubFactory(EnforcementBodyFactory, **part_of("-b"))
    basis = "《中华人民共和国食品安全法》第一百一十条"
    objects_description = "食品经营者"
    published_on = None


class InspectionPlanFactory(LedgerRowFactory):
    class Meta:
        model = InspectionPlan

    code = factory.LazyAttribute(lambda o: f"JH-{o.marker}"[:64])
    year = 2025
    name = factory.LazyAttribute(lambda o: f"年度计划{o.marker}")
    content = "按风险分类确定抽查比例"


class InspectionTaskFactory(LedgerRowFactory):
    """A task over one published matter and its body (bodies= names the bodies, the first one the matter's)."""

    class Meta:
        model = InspectionTask

    code = factory.LazyAttribute(lambda o: f"RW-{o.marker}"[:64])
    name = factory.LazyAttribute(lambda o: f"抽查任务{o.marker}")
    ratio_c = 5
    start_on = dt.date(2025, 4, 1)
    end_on = dt.date(2025, 9, 30)
    bodies = factory.LazyAttribute(lambda o: [EnforcementBodyFactory(unit=o.unit, marker=f"{o.marker}-b")])
    matters = factory.LazyAttribute(
        lambda o: [
            InspectionMatterFactory(
                unit=o.unit, marker=f"{o.marker}-m", body=o.bodies[0], published_on=dt.date(2025, 1, 2)
            )
        ]
    )

    @classmethod
    def _create(cls, model_class, *args, bodies, matters, **fields):
        task = super()._create(model_class, *args, **fields)
        task.bodies.set(bodies)
        task.matters.set(matters)
        return task


class InspectionTargetFactory(DjangoModelFactory):
    """A drawn entity: a task limited to a region of its own, so that only this row's entity is drawn."""

    class Meta:
        model = TaskEntity

    unit = factory.SubFactory(UnitFactory)
    marker = factory.Sequence(lambda n: f"T{n}Z")
    region = factory.Sequence(lambda n: RegionFactory(code=f"98{n % 10000:04d}", name=f"样例区{n}"))

    @classmethod
    def _create(cls, model_class, *, unit, marker, region):
        body = EnforcementBodyFactory(unit=unit, marker=f"{marker}-b")
        for i in (1, 2):
            OfficerFactory(unit=unit, body=body, marker=f"{marker}-o{i}")
        MarketEntityFactory(unit=unit, marker=marker, region=region)
        task = InspectionTaskFactory(
            unit=unit, marker=f"{marker}-t", bodies=[body], ratio_a=100, ratio_b=100, ratio_d=100, ratio_e=100
        )
        task.ratio_c = 100
        task.save()
        task.regions.set([region])
        inspection_rules.draw_task(task, on=dt.date(2025, 3, 3), seed=1)
        return model_class.objects.get(task=task)


class ConflictFactory(LedgerRowFactory):
    class Meta:
        model = Conflict

    officer = factory.SubFactory(OfficerFactory, **part_of("-o"))
    entity = factory.SubFactory(MarketEntityFactory, **part_of("-e"))
    reason = factory.LazyAttribute(lambda o: f"亲属关系{o.marker}")
    declared_on = dt.date(2025, 1, 2)


# -- 制度建设、依法决策 -----------------------------------------------------------------------------------------


class NormativeDocumentFactory(LedgerRowFactory):
    class Meta:
        model = NormativeDocument

    title = factory.LazyAttribute(lambda o: f"文件{o.marker}")
    drafted_by = factory.LazyAttribute(lambda o: f"科室{o.marker}")
    body = factory.LazyAttribute(lambda o: f"正文{o.marker}")


class ConsultationFactory(LedgerRowFactory):
    class Meta:
        model = Consultation

    document = factory.SubFactory(NormativeDocumentFactory, **part_of("doc"))
    title = factory.LazyAttribute(lambda o: f"征求意见{o.marker}")
    draft_text = factory.LazyAttribute(lambda o: f"草案{o.marker}")
    starts_on = dt.date(2025, 3, 1)
    ends_on = dt.date(2025, 3, 31)


class CleanupCampaignFactory(LedgerRowFactory):
    class Meta:
        model = CleanupCampaign

    title = factory.LazyAttribute(lambda o: f"清理{o.marker}")
    started_on = dt.date(2025, 3, 1)


class LegislationProjectFactory(LedgerRowFactory):
    class Meta:
        model = LegislationProject

    year = 2025
    title = factory.LazyAttribute(lambda o: f"立法{o.marker}")
    kind = LegislationKind.GOVERNMENT_RULE


class DecisionCatalogueFactory(LedgerRowFactory):
    class Meta:
        model = DecisionCatalogue

    year = 2025
    title = factory.LazyAttribute(lambda o: f"目录{o.marker}")


def catalogue_of(unit, year, marker):
    """The unit's catalogue of the year (one a year), made if it has none."""
    found = DecisionCatalogue.objects.filter(unit=unit, year=year).first()
    return found or DecisionCatalogueFactory(unit=unit, year=year, marker=marker)


class MajorDecisionFactory(LedgerRowFactory):
    class Meta:
        model = MajorDecision

    catalogue = factory.LazyAttribute(lambda o: catalogue_of(o.unit, 2024, o.marker))
    title = factory.LazyAttribute(lambda o: f"决策{o.marker}")
    category = DecisionCategory.PUBLIC_SERVICE
    sponsor = factory.LazyAttribute(lambda o: f"承办{o.marker}")
    proposed_by = factory.LazyAttribute(lambda o: f"提出{o.marker}")
    proposed_on = dt.date(2024, 3, 1)


class LegalityReviewFactory(LedgerRowFactory):
    class Meta:
        model = LegalityReview

    number = factory.LazyAttribute(lambda o: f"HF-{o.marker}")
    subject_type = ReviewSubject.CONTRACT
    subject = factory.LazyAttribute(lambda o: f"合同{o.marker}")
    requested_by = factory.LazyAttribute(lambda o: f"科室{o.marker}")
    requested_on = dt.date(2025, 3, 3)


class LegalAdviserFactory(LedgerRowFactory):
    """A law firm serving its own unit (units_served= names others)."""

    class Meta:
        model = LegalAdviser

    name = factory.LazyAttribute(lambda o: f"顾问{o.marker}")
    kind = AdviserKind.FIRM
    firm = factory.LazyAttribute(lambda o: f"律所{o.marker}")
    contract_start = dt.date(2025, 1, 1)
    contract_end = dt.date(2025, 12, 31)

    @factory.post_generation
    def units_served(self, create, extracted, **kwargs):
        self.units_served.set(extracted if extracted is not None else [self.unit])


# -- 争议化解 ---------------------------------------------------------------------------------------------------


class ReconsiderationCaseFactory(LedgerRowFactory):
    class Meta:
        model = ReconsiderationCase

    number = factory.LazyAttribute(lambda o: f"FY-{o.marker}")
    applicant_name = factory.LazyAttribute(lambda o: f"申请人{o.marker}")
    respondent_name = factory.LazyAttribute(lambda o: f"被申请人{o.marker}")
    act_type = ActType.PENALTY
    known_on = dt.date(2025, 3, 1)
    received_on = dt.date(2025, 3, 3)


class LawsuitFactory(LedgerRowFactory):
    class Meta:
        model = Lawsuit

    number = factory.LazyAttribute(lambda o: f"YS-{o.marker}")
    court = "云测市中级人民法院"
    plaintiff = factory.LazyAttribute(lambda o: f"原告{o.marker}")
    act_type = ActType.PENALTY
    filed_on = dt.date(2025, 3, 3)


class MediationOrganisationFactory(LedgerRowFactory):
    class Meta:
        model = MediationOrganisation

    name = factory.LazyAttribute(lambda o: f"调委会{o.marker}")
    org_type = MediationOrgType.VILLAGE
    established_on = dt.date(2020, 1, 1)


class MediatorFactory(LedgerRowFactory):
    class Meta:
        model = Mediator

    organisation = factory.SubFactory(MediationOrganisationFactory, **part_of("-org"))
    name = factory.LazyAttribute(lambda o: f"调解员{o.marker}")
    started_on = dt.date(2020, 1, 1)


class MediatedDisputeFactory(LedgerRowFactory):
    class Meta:
        model = MediatedDispute

    organisation = factory.SubFactory(MediationOrganisationFactory, **part_of("-org"))
    number = factory.LazyAttribute(lambda o: f"TJ-{o.marker}")
    dispute_type = DisputeType.NEIGHBOUR
    parties = factory.LazyAttribute(lambda o: f"当事人{o.marker}")
    received_on = dt.date(2025, 3, 3)


class PetitionFactory(LedgerRowFactory):
    class Meta:
        model = Petition

    number = factory.LazyAttribute(lambda o: f"XF-{o.marker}")
    petitioner = factory.LazyAttribute(lambda o: f"信访人{o.marker}")
    channel = PetitionChannel.LETTER
    subject = "反映问题"
    received_on = dt.date(2025, 3, 3)


# -- 监督 -------------------------------------------------------------------------------------------------------


class SuggestionFactory(LedgerRowFactory):
    class Meta:
        model = Suggestion

    kind = SuggestionKind.NPC
    session = "十五届人大三次会议"
    number = factory.LazyAttribute(lambda o: o.marker)
    title = factory.LazyAttribute(lambda o: f"建议{o.marker}")
    proposer = factory.LazyAttribute(lambda o: f"代表{o.marker}")
    assigned_on = dt.date(2025, 3, 20)


class DisclosureRequestFactory(LedgerRowFactory):
    class Meta:
        model = DisclosureRequest

    number = factory.LazyAttribute(lambda o: f"YSQ-{o.marker}")
    applicant_name = factory.LazyAttribute(lambda o: f"申请人{o.marker}")
    channel = DisclosureChannel.ONLINE
    content = "申请公开的信息"
    received_on = dt.date(2025, 3, 3)


# -- 普法 -------------------------------------------------------------------------------------------------------


class PublicityEventFactory(LedgerRowFactory):
    class Meta:
        model = PublicityEvent

    title = factory.LazyAttribute(lambda o: f"普法活动{o.marker}")
    event_type = EventType.CAMPAIGN
    held_on = dt.date(2025, 12, 4)
    participants = 100


class LawStudySessionFactory(LedgerRowFactory):
    class Meta:
        model = LawStudySession

    kind = StudyKind.EXECUTIVE_MEETING
    held_on = dt.date(2025, 3, 3)
    topic = factory.LazyAttribute(lambda o: f"学习{o.marker}")
    attendees = 20


class TrainingFactory(LedgerRowFactory):
    class Meta:
        model = Training

    title = factory.LazyAttribute(lambda o: f"培训{o.marker}")
    kind = TrainingKind.LAW_TOPIC
    started_on = dt.date(2025, 5, 6)
    ended_on = dt.date(2025, 5, 7)
    trainees = 50


class LawExamFactory(LedgerRowFactory):
    class Meta:
        model = LawExam

    title = factory.LazyAttribute(lambda o: f"考试{o.marker}")
    exam_type = ExamType.ANNUAL
    held_on = dt.date(2025, 11, 5)
    candidates = 40
    passed = 39


# -- 指标、考核、年度报告 ---------------------------------------------------------------------------------------


class ObservationFactory(LedgerRowFactory):
    class Meta:
        model = Observation

    metric = "service_items"
    period_start = dt.date(2025, 1, 1)
    period_end = dt.date(2025, 12, 31)
    value = 12
    source = Source.MANUAL
    evidence = factory.LazyAttribute(lambda o: f"依据{o.marker}")


class SelfAssessmentFactory(LedgerRowFactory):
    class Meta:
        model = SelfAssessment

    year = 2025
    item = "leader_duties"
    self_score = 4
    explanation = factory.LazyAttribute(lambda o: f"自评说明{o.marker}")


class AnnualReportFactory(LedgerRowFactory):
    class Meta:
        model = AnnualReport

    year = 2025
    title = factory.LazyAttribute(lambda o: f"报告{o.marker}")


class NarrativeBlockFactory(LedgerRowFactory):
    class Meta:
        model = NarrativeBlock

    report = factory.SubFactory(AnnualReportFactory, **part_of("-r", year=2024))
    section = Section.SHORTCOMINGS
    text = factory.LazyAttribute(lambda o: f"段落{o.marker}")


def ledger_values(unit, year: int, **values):
    """Give a unit ledger-computed values for a year, as a computation would (added to its current snapshot)."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    snapshot = LedgerSnapshot.objects.filter(
        unit=unit, period_start=start, period_end=end, superseded_at__isnull=True
    ).first()
    if snapshot is None:
        batch = ObservationBatch.objects.create(source=Source.LEDGER, period_start=start, period_end=end)
        snapshot = LedgerSnapshot(unit=unit, period_start=start, period_end=end, batch=batch, values_json="{}")
    merged = {**snapshot.values, **{metric: float(value) for metric, value in values.items()}}
    snapshot.values_json, snapshot.digest = LedgerSnapshot.encode(merged)
    snapshot.save()
    return snapshot


# -- one factory per registered ledger --------------------------------------------------------------------------

LEDGER_FACTORIES = {
    "service-items": ServiceItemFactory,
    "applications": ApplicationFactory,
    "ratings": RatingFactory,
    "enforcement-bodies": EnforcementBodyFactory,
    "officers": OfficerFactory,
    "certificates": CertificateFactory,
    "enforcement-matters": MatterFactory,
    "cases": CaseFactory,
    "market-entities": MarketEntityFactory,
    "inspection-matters": InspectionMatterFactory,
    "inspection-plans": InspectionPlanFactory,
    "inspection-tasks": InspectionTaskFactory,
    "inspection-targets": InspectionTargetFactory,
    "conflicts": ConflictFactory,
    "normative-documents": NormativeDocumentFactory,
    "consultations": ConsultationFactory,
    "cleanup-campaigns": CleanupCampaignFactory,
    "legislation-projects": LegislationProjectFactory,
    "decision-catalogues": DecisionCatalogueFactory,
    "major-decisions": MajorDecisionFactory,
    "legality-reviews": LegalityReviewFactory,
    "legal-advisers": LegalAdviserFactory,
    "reconsideration-cases": ReconsiderationCaseFactory,
    "lawsuits": LawsuitFactory,
    "mediation-organisations": MediationOrganisationFactory,
    "mediators": MediatorFactory,
    "mediated-disputes": MediatedDisputeFactory,
    "petitions": PetitionFactory,
    "suggestions": SuggestionFactory,
    "disclosure-requests": DisclosureRequestFactory,
    "publicity-events": PublicityEventFactory,
    "law-study-sessions": LawStudySessionFactory,
    "trainings": TrainingFactory,
    "law-exams": LawExamFactory,
    "observations": ObservationFactory,
    "self-assessments": SelfAssessmentFactory,
    "annual-reports": AnnualReportFactory,
    "report-blocks": NarrativeBlockFactory,
}


def ledger_row(ledger, unit, marker):
    """One valid row of a registered ledger in unit, its list columns showing marker."""
    factory_class = LEDGER_FACTORIES.get(ledger.slug)
    assert factory_class is not None, f"ledger {ledger.slug} has no factory in tests/factories.py LEDGER_FACTORIES"
    return factory_class(unit=unit, marker=marker)
