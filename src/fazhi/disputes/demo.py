"""The demo city's disputes at scale 1: about 150 reconsideration cases, 100 lawsuits, 500 mediation organisations
with 2,000 mediators, 8,000 mediated disputes and 3,000 petitions a year. Deadlines and flags come from the
same pure functions as the model's save (deadlines.py), so the rows pass `fazhi check`."""

import datetime as dt
from decimal import Decimal

from fazhi.demo import names
from fazhi.demo.draws import YEAR_END, company, day_in_year, person, structural, volume
from fazhi.demo.generator import BATCH, DEMO_YEAR, DemoBuilder, DemoCity, demo_step
from fazhi.law.calendar import default_calendar

from .choices import (
    LAWSUIT_DECIDED,
    AbsenceReason,
    ActType,
    AgreementForm,
    DisputeType,
    HeadAppearance,
    Instance,
    LawsuitOutcome,
    LawsuitStatus,
    MediationOrgType,
    MediationStatus,
    PartyType,
    PetitionChannel,
    PetitionStatus,
    Procedure,
    ReconsiderationOutcome,
    ReconsiderationStatus,
    SimplifiedGround,
    SuspensionReason,
)
from .deadlines import acceptance_deadline, derive_lawsuit, derive_petition, derive_reconsideration
from .models import (
    CourtHearing,
    Lawsuit,
    MediatedDispute,
    MediationOrganisation,
    Mediator,
    Petition,
    ReconsiderationCase,
    ReconsiderationHearing,
    ReconsiderationSuspension,
)


@demo_step("行政复议、行政应诉、人民调解与信访台账", order=50)
def build_disputes(city: DemoCity, builder: DemoBuilder) -> None:
    build_reconsideration_and_litigation(city, builder)
    build_mediation_and_petitions(city, builder)


def build_reconsideration_and_litigation(city: DemoCity, builder: DemoBuilder) -> None:
    rng, calendar = builder.rng, default_calendar()
    departments = city.departments
    outcomes = list(ReconsiderationOutcome.values)
    weights = [45, 10, 5, 6, 1, 3, 2, 7, 5, 13]  # about the national 纠错率 of 12–13%
    cases, suspensions, hearings = [], [], []
    for i in range(volume(builder, 150, 12)):
        body = city.government if rng.random() < 0.4 else rng.choice(city.counties)
        if body == city.government:
            respondent_unit = rng.choice(departments)
            respondent = respondent_unit.name
        else:
            respondent_unit = None
            department = rng.choice(
                [
                    "公安局",
                    "市场监督管理局",
                    "自然资源局",
                    "人力资源和社会保障局",
                    "住房和城乡建设局",
                ]
            )
            respondent = f"{body.short_name}{department}"
        received = day_in_year(rng, calendar, dt.date(DEMO_YEAR, 12, 20))
        act_type = rng.choices(list(ActType.values), weights=[30, 8, 10, 6, 14, 10, 6, 10, 2, 4])[0]
        amount = (
            Decimal(rng.choice([200, 500, 1000, 2000, 3000, 5000, 20000, 100000]))
            if act_type == ActType.PENALTY
            else None
        )
        case = ReconsiderationCase(
            unit=body,
            number=f"{body.short_name or '云川市'}府复〔{DEMO_YEAR}〕{i + 1}号",
            applicant_type=PartyType.PERSON if rng.random() < 0.75 else PartyType.ENTITY,
            applicant_name=person(rng) if rng.random() < 0.75 else company(rng),
            respondent_name=respondent,
            respondent_unit=respondent_unit,
            act_type=act_type,
            act_description=f"{ActType(act_type).label}决定",
            known_on=received - dt.timedelta(days=rng.randint(3, 55)),
            received_on=received,
            amount=amount,
        )
        case.act_on = case.known_on - dt.timedelta(days=rng.randint(0, 5))
        review_due = acceptance_deadline(case, calendar).due
        if rng.random() < 0.1:
            case.status = ReconsiderationStatus.NOT_ACCEPTED
            case.not_accepted_on = min(review_due, calendar.add_workdays(received, rng.randint(1, 5)))
            case.not_accepted_reason = rng.choice(
                ["不属于行政复议受案范围", "申请人与被申请行政行为没有利害关系", "已向人民法院提起行政诉讼"]
            )
            derive_reconsideration(case, (), calendar)
            cases.append((case, [], []))
            continue
        case.accepted_on = calendar.add_workdays(received, rng.randint(1, 5))
        simplified = (amount is not None and amount <= 3000) or act_type == ActType.DISCLOSURE
        if simplified and rng.random() < 0.7:
            case.procedure = Procedure.SIMPLIFIED
            case.simplified_ground = (
                SimplifiedGround.DISCLOSURE if act_type == ActType.DISCLOSURE else SimplifiedGround.SMALL_AMOUNT
            )
        else:
            case.procedure = Procedure.ORDINARY
        case.status = ReconsiderationStatus.ACCEPTED
        case.copy_sent_on = calendar.add_workdays(case.accepted_on, rng.randint(1, 3))
        case.answer_received_on = calendar.add_workdays(case.copy_sent_on, rng.randint(3, 5))
        stops, heard = [], []
        if case.procedure == Procedure.ORDINARY and rng.random() < 0.06:
            start = case.accepted_on + dt.timedelta(days=rng.randint(10, 30))
            stops.append(
                ReconsiderationSuspension(
                    reason=rng.choice(list(SuspensionReason.values)),
                    started_on=start,
                    ended_on=start + dt.timedelta(days=rng.randint(10, 40)),
                )
            )
        if case.procedure == Procedure.ORDINARY and rng.random() < 0.1:
            case.extension_days, case.extension_reason = 30, "案情复杂，需要进一步调查取证"
            # approved before the limit ends and never while suspended (rules.check_extend)
            case.extended_on = max(
                [case.accepted_on + dt.timedelta(days=50)] + [s.ended_on + dt.timedelta(days=1) for s in stops]
            )
        derive_reconsideration(case, stops, calendar)
        if case.procedure == Procedure.ORDINARY and rng.random() < 0.12:
            notified = calendar.add_workdays(case.answer_received_on, 2)
            attended = rng.random() < 0.8
            heard.append(
                ReconsiderationHearing(
                    notified_on=notified,
                    held_on=calendar.add_workdays(notified, 6),
                    respondent_head_attended=attended,
                    attendee=f"{'副局长' if rng.random() < 0.7 else '局长'} {person(rng)}"
                    if attended
                    else f"法制科科长 {person(rng)}",
                )
            )
        closed = (
            case.due_on - dt.timedelta(days=rng.randint(0, 25))
            if rng.random() < 0.98
            else case.due_on + dt.timedelta(days=rng.randint(1, 10))
        )
        if stops and stops[-1].ended_on > closed:
            closed = stops[-1].ended_on + dt.timedelta(days=5)
        if heard and heard[-1].held_on > closed:
            closed = heard[-1].held_on + dt.timedelta(days=3)
        if closed <= YEAR_END:
            case.closed_on, case.status = closed, ReconsiderationStatus.CLOSED
            case.outcome = rng.choices(outcomes, weights=weights)[0]
        derive_reconsideration(case, stops, calendar)
        cases.append((case, stops, heard))
    ReconsiderationCase.objects.bulk_create([c for c, _, _ in cases], batch_size=BATCH)
    for case, stops, heard in cases:
        for child in stops + heard:
            child.case = case
        suspensions += stops
        hearings += heard
    ReconsiderationSuspension.objects.bulk_create(suspensions)
    ReconsiderationHearing.objects.bulk_create(hearings)
    builder.log(f"行政复议案件：{len(cases)} 件")

    defendants = departments + city.counties + city.towns[: len(city.towns) // 3]
    courts = {county.pk: f"{county.short_name}人民法院" for county in city.counties}
    first_outcomes = [
        LawsuitOutcome.WON,
        LawsuitOutcome.SUIT_DISMISSED,
        LawsuitOutcome.LOST_REVOKED,
        LawsuitOutcome.LOST_CONFIRMED_ILLEGAL,
        LawsuitOutcome.LOST_ORDERED_TO_PERFORM,
        LawsuitOutcome.LOST_COMPENSATION,
        LawsuitOutcome.WITHDRAWN,
        LawsuitOutcome.MEDIATED,
    ]
    suits, seq = [], 0
    for _ in range(volume(builder, 90, 8)):
        seq += 1
        unit = rng.choice(defendants)
        county = (
            unit
            if unit in city.counties
            else (unit.parent if unit.parent in city.counties else rng.choice(city.counties))
        )
        filed = day_in_year(rng, calendar, dt.date(DEMO_YEAR, 11, 30))
        suit = Lawsuit(
            unit=unit,
            number=f"（{DEMO_YEAR}）江{county.region.code[-4:]}行初{seq}号",
            court=courts[county.pk],
            trial_level=Instance.FIRST,
            plaintiff=person(rng) if rng.random() < 0.7 else company(rng),
            act_type=rng.choices(list(ActType.values), weights=[30, 12, 12, 8, 8, 8, 8, 8, 3, 3])[0],
            cause="不服行政行为",
            filed_on=filed,
            served_on=filed + dt.timedelta(days=rng.randint(2, 8)),
        )
        suit.defence_submitted_on = suit.served_on + dt.timedelta(
            days=rng.randint(5, 15) if rng.random() < 0.97 else rng.randint(16, 20)
        )
        closed = filed + dt.timedelta(days=rng.randint(60, 180))
        if closed <= YEAR_END:
            suit.status, suit.closed_on = LawsuitStatus.CLOSED, closed
            suit.outcome = rng.choices(first_outcomes, weights=[60, 9, 3, 2, 1, 1, 20, 4])[0]
        derive_lawsuit(suit, calendar)
        suits.append(suit)
    Lawsuit.objects.bulk_create(suits, batch_size=BATCH)
    appeals = []
    for first in suits:
        if first.outcome in LAWSUIT_DECIDED and rng.random() < 0.3 and first.closed_on < dt.date(DEMO_YEAR, 11, 1):
            seq += 1
            filed = first.closed_on + dt.timedelta(days=rng.randint(15, 30))
            appeal = Lawsuit(
                unit=first.unit,
                number=f"（{DEMO_YEAR}）江01行终{seq}号",
                court="云川市中级人民法院",
                trial_level=Instance.SECOND,
                previous_instance=first,
                plaintiff=first.plaintiff,
                act_type=first.act_type,
                cause=first.cause,
                filed_on=filed,
                served_on=filed + dt.timedelta(days=3),
            )
            appeal.defence_submitted_on = appeal.served_on + dt.timedelta(days=rng.randint(5, 14))
            closed = filed + dt.timedelta(days=rng.randint(40, 90))
            if closed <= YEAR_END:
                appeal.status, appeal.closed_on = LawsuitStatus.CLOSED, closed
                appeal.outcome = rng.choices(
                    [
                        LawsuitOutcome.WON,
                        LawsuitOutcome.LOST_REVOKED,
                        LawsuitOutcome.REMANDED,
                        LawsuitOutcome.WITHDRAWN,
                    ],
                    weights=[80, 6, 4, 10],
                )[0]
            derive_lawsuit(appeal, calendar)
            appeals.append(appeal)
    Lawsuit.objects.bulk_create(appeals, batch_size=BATCH)
    court_hearings = []
    for suit in suits + appeals:
        if suit.outcome == LawsuitOutcome.WITHDRAWN and rng.random() < 0.6:
            continue
        held = suit.served_on + dt.timedelta(days=rng.randint(20, 50))
        if suit.closed_on and held > suit.closed_on:
            held = suit.closed_on
        if held > YEAR_END:
            continue
        appearance = rng.choices(list(HeadAppearance.values), weights=[20, 55, 12, 13])[0]
        court_hearings.append(
            CourtHearing(
                lawsuit=suit,
                held_on=held,
                head_appearance=appearance,
                head_name=""
                if appearance == HeadAppearance.NONE
                else f"{HeadAppearance(appearance).label} {person(rng)}",
                staff_appeared=True,
                lawyer_appeared=rng.random() < 0.6,
                absence_reason=rng.choice([AbsenceReason.DUTIES, AbsenceReason.OTHER, AbsenceReason.NONE])
                if appearance == HeadAppearance.NONE
                else "",
                judicial_suggestion=appearance == HeadAppearance.NONE and rng.random() < 0.3,
            )
        )
    CourtHearing.objects.bulk_create(court_hearings, batch_size=BATCH)
    builder.log(f"行政应诉案件：{len(suits) + len(appeals)} 件，开庭 {len(court_hearings)} 次")


def build_mediation_and_petitions(city: DemoCity, builder: DemoBuilder) -> None:
    rng, calendar = builder.rng, default_calendar()
    organisations = []
    for town in city.towns:
        organisations.append(
            MediationOrganisation(
                unit=town,
                name=f"{town.name.replace('人民政府', '').replace('办事处', '')}人民调解委员会",
                org_type=MediationOrgType.TOWNSHIP,
                established_on=dt.date(2011, 1, 1),
            )
        )
        kind = MediationOrgType.RESIDENTS if "街道" in town.name else MediationOrgType.VILLAGE
        for j in range(structural(builder, rng.randint(5, 10))):
            place = rng.choice(names.TOWN_STEMS) + ("社区" if kind == MediationOrgType.RESIDENTS else "村")
            organisations.append(
                MediationOrganisation(
                    unit=town,
                    name=f"{town.short_name}{place}{j + 1}人民调解委员会",
                    org_type=kind,
                    established_on=dt.date(rng.randint(2011, 2020), 1, 1),
                )
            )
    for county in city.counties:
        for label, kind in [
            ("医疗纠纷", MediationOrgType.SECTORAL),
            ("道路交通事故", MediationOrgType.SECTORAL),
            ("劳动争议", MediationOrgType.SECTORAL),
            ("物业纠纷", MediationOrgType.SECTORAL),
        ][: structural(builder, 4)]:
            organisations.append(
                MediationOrganisation(
                    unit=county,
                    name=f"{county.short_name}{label}人民调解委员会",
                    org_type=kind,
                    established_on=dt.date(rng.randint(2015, 2023), 1, 1),
                )
            )
    organisations[-1].dissolved_on = dt.date(DEMO_YEAR, 6, 30)  # merged into another committee mid-year
    MediationOrganisation.objects.bulk_create(organisations, batch_size=BATCH)
    mediators = []
    for organisation in organisations:
        for _ in range(rng.randint(3, 6)):
            started = max(dt.date(rng.randint(2011, DEMO_YEAR), rng.randint(1, 12), 1), organisation.established_on)
            ended = dt.date(DEMO_YEAR, rng.randint(1, 12), 1) if rng.random() < 0.05 else None
            mediators.append(
                Mediator(
                    unit=organisation.unit,
                    organisation=organisation,
                    name=person(rng),
                    full_time=rng.random() < 0.15,
                    started_on=started,
                    ended_on=ended if ended and ended > started else None,
                )
            )
    Mediator.objects.bulk_create(mediators, batch_size=BATCH)
    weights = [rng.paretovariate(1.5) for _ in organisations]
    disputes = []
    for i in range(volume(builder, 8000, 150)):
        organisation = rng.choices(organisations, weights=weights)[0]
        received = day_in_year(rng, calendar)
        dispute_type = rng.choices(list(DisputeType.values), weights=[22, 20, 12, 10, 10, 6, 3, 2, 3, 5, 4, 3])[0]
        dispute = MediatedDispute(
            unit=organisation.unit,
            organisation=organisation,
            number=f"TJ{DEMO_YEAR}{i + 1:06d}",
            dispute_type=dispute_type,
            parties=f"{rng.choice(names.SURNAMES)}某、{rng.choice(names.SURNAMES)}某",
            amount=Decimal(rng.choice([0, 500, 2000, 8000, 30000, 120000])) if rng.random() < 0.6 else None,
            received_on=received,
        )
        closed = received + dt.timedelta(days=rng.randint(1, 15))
        if closed <= YEAR_END:
            dispute.closed_on = closed
            if rng.random() < 0.985:
                dispute.status = MediationStatus.RESOLVED
                dispute.agreement_form = AgreementForm.WRITTEN if rng.random() < 0.7 else AgreementForm.ORAL
                if dispute.agreement_form == AgreementForm.WRITTEN and rng.random() < 0.05:
                    dispute.confirmation_requested_on = closed + dt.timedelta(days=rng.randint(1, 25))
            else:
                dispute.status = MediationStatus.FAILED
        disputes.append(dispute)
    MediatedDispute.objects.bulk_create(disputes, batch_size=BATCH)
    builder.log(f"人民调解组织：{len(organisations)} 个，调解员 {len(mediators)} 人，调解纠纷 {len(disputes)} 件")

    handlers = [city.government] + city.counties + city.towns + city.departments
    petitions = []
    for i in range(volume(builder, 3000, 60)):
        unit = rng.choice(handlers)
        received = day_in_year(rng, calendar)
        petition = Petition(
            unit=unit,
            number=f"XF{DEMO_YEAR}{i + 1:06d}",
            petitioner=person(rng),
            channel=rng.choices(list(PetitionChannel.values), weights=[20, 35, 40, 5])[0],
            subject=rng.choice(
                [
                    "反映拖欠工资问题",
                    "反映征地补偿问题",
                    "反映物业服务问题",
                    "反映环境污染问题",
                    "反映社保待遇问题",
                    "反映邻里纠纷处理问题",
                ]
            ),
            received_on=received,
            repeated=rng.random() < 0.12,
        )
        answered = received + dt.timedelta(days=rng.randint(1, 15))
        if rng.random() < 0.1:
            petition.status, petition.accepted_on = PetitionStatus.NOT_ACCEPTED, answered
            petition.not_accepted_reason = "已经或者依法应当通过诉讼、仲裁、行政复议等法定途径解决"
        else:
            petition.status, petition.accepted_on = PetitionStatus.ACCEPTED, answered
            if rng.random() < 0.04:
                petition.extension_days, petition.extended_on = 30, answered + dt.timedelta(days=50)
            concluded = answered + dt.timedelta(
                days=rng.randint(10, 58) if rng.random() < 0.96 else rng.randint(60, 100)
            )
            if concluded <= YEAR_END:
                petition.status, petition.concluded_on = PetitionStatus.CONCLUDED, concluded
        derive_petition(petition, calendar)
        petitions.append(petition)
    Petition.objects.bulk_create(petitions, batch_size=BATCH)
    builder.log(f"信访事项：{len(petitions)} 件")
