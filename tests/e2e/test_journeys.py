"""The three journeys of the platform, end to end in Chromium, in Chinese, on a phone and on a
desktop screen, each actor signing in through the login page:

1. community staff post a need, publish it, look at the recommended organizations, start a
   project from the need, fill in its funding line and publish it with a bid deadline;
2. the organization finds the project in the project list (its filters) and bids;
3. the official assigns a reviewer and a supervisor; once the deadline has passed the official
   closes the bidding, the reviewer scores the bid, the official awards it, the organization
   starts the service, the supervisor records a visit, the organization reports progress and
   files the final report, and the official accepts the project — 已完成;
4. the official's dashboard counts the completed project and the rankings list the community and
   the organization with it.

Both viewports walk every step's page (the whole journey, about 20 s each). After each step a
full-page screenshot goes to tests/e2e/artifacts/<viewport>/<nn>-<step>.png (git-ignored; CI
keeps it as an artifact), and the page must have logged no console error (a CSP refusal is one)
and be in Chinese.

The deadline: publishing goes through the form with a deadline in the future (the default one,
14 days ahead, 17:00), as the services require; once the organization has bid, the test moves
the project's `bid_deadline` one minute into the past in the database — as the clock would, and
as `tests.projects.story.expire` does for the page tests — and the official then closes the
bidding with the project page's own button. (The form takes minutes only, so a deadline "a few
seconds ahead" would mean waiting up to two minutes.)
"""

import re
import shutil
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from projects.choices import ExpertRole, ProjectStatus
from projects.models import Project
from tests import factories as f

from .conftest import HERE

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory
ARTIFACTS = HERE / "artifacts"
VIEWPORTS = {
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "is_mobile": True,
        "has_touch": True,
    },
    "desktop": {"viewport": {"width": 1280, "height": 800}},
}
NEED_TITLE = "坡子街独居老人助餐需求"
PROJECT_TITLE = "坡子街社区独居老人助餐服务项目"
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def cast(tree):
    """坡子街社区 and its staff; a verified organization of 天心区 with two certified workers and
    a published meal-help offering over 天心区; 天心区's official, a reviewer and a supervisor of
    the city's pool; 天心区's purchase-of-service budget of this year."""
    year = timezone.localdate().year
    org = f.SocialOrgFactory(name="长沙市天心区阳光社会工作服务中心", region=tree.tianxin)
    workers = [f.SocialWorkerFactory(org=org, name=name) for name in ("周晓梅", "刘建国")]
    f.ServiceOfferingFactory(
        org=org,
        title="独居老人助餐配送服务",
        category=f.category("elderly_meals"),
        service_area=[tree.tianxin],
        workers=workers,
    )
    return {
        "community": tree.pozijie_community,
        "staff": f.CommunityStaffFactory(
            community=tree.pozijie_community, user__display_name="社区张专干"
        ).user,
        "org": org,
        "workers": workers,
        "member": f.OrgMemberFactory(org=org, user__display_name="机构李社工").user,
        "official": f.OfficialFactory(region=tree.tianxin, user__display_name="天心区王科长").user,
        "reviewer": f.ExpertFactory(
            role=ExpertRole.REVIEWER, region=tree.city, user__display_name="评审陈教授"
        ).user,
        "supervisor": f.ExpertFactory(
            role=ExpertRole.SUPERVISOR, region=tree.city, user__display_name="督导刘老师"
        ).user,
        "resource": f.FundingResourceFactory(
            name=f"{year}年天心区政府购买社区服务资金",
            year=year,
            amount=Decimal("500000.00"),
            region=tree.tianxin,
        ),
    }


class Journey:
    """One browser page walked through the steps: sign in, click, and after each step check
    the page (no console error, Chinese) and save its screenshot."""

    def __init__(self, page, base_url: str, viewport: str):
        self.page = page
        self.base = base_url
        self.viewport = viewport
        self.phone = viewport == "phone"
        self.step = 0
        self.errors: list[str] = []
        self.folder = ARTIFACTS / viewport
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        # The inline actions (start the service, close the bidding) ask window.confirm first.
        page.on("dialog", lambda dialog: dialog.accept())
        page.set_default_timeout(20_000)

    def shot(self, name: str) -> None:
        """The step is done: the page is in Chinese, logged no error; screenshot it."""
        page = self.page
        page.wait_for_load_state("load")
        assert page.locator("html").get_attribute("lang") == "zh-CN", page.url
        assert CJK.search(page.locator("h1").first.inner_text()), page.url
        expect(page.locator("#main-nav")).to_contain_text("项目")
        assert self.errors == [], (name, page.url, self.errors)
        if self.phone:  # nothing sticks out sideways (wide tables scroll inside their box)
            overflow = page.evaluate(
                "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, (name, page.url, f"{overflow}px wider than the phone")
        self.step += 1
        page.screenshot(path=self.folder / f"{self.step:02d}-{name}.png", full_page=True)

    def goto(self, path: str) -> None:
        response = self.page.goto(self.base + path)
        assert response.status == 200, (path, response.status)

    def sign_in(self, user, then: str = "/") -> None:
        """Sign out (a fresh cookie jar) and in again through the login page, as `user`, who
        lands on `then`."""
        page = self.page
        page.context.clear_cookies()
        self.goto(f"/accounts/login/?next={then}")
        expect(page.locator("h1")).to_have_text("登录")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", PASSWORD)
        self.submit(page.locator("main").get_by_role("button", name="登录"))
        assert page.url == self.base + then, page.url
        expect(page.locator("#main-nav")).to_contain_text(f"退出（{user}）")

    def submit(self, locator) -> None:
        """Click a button or link that loads a new page, and wait for it."""
        with self.page.expect_navigation():
            locator.click()

    def main_button(self, name: str):
        """A button or button-styled link of the page's content (not the menu)."""
        main = self.page.locator("main")
        return main.get_by_role("button", name=name, exact=True).or_(
            main.get_by_role("link", name=name, exact=True)
        )

    def action(self, name: str) -> None:
        """Click the project page's action button `name` (data-action)."""
        self.submit(self.page.locator(f'#actions [data-action="{name}"]'))

    def menu(self, name: str) -> None:
        """Follow a link of the main menu; on the phone it is behind the 菜单 toggle."""
        page = self.page
        toggle = page.locator(".nav-toggle")
        link = page.locator("#main-nav").get_by_role("link", name=name, exact=True)
        if self.phone:
            expect(toggle).to_be_visible()
            expect(link).to_be_hidden()
            toggle.click()
        self.submit(link)

    def status_is(self, label: str) -> None:
        expect(self.page.locator("article.project .status").first).to_have_text(label)

    def flash(self) -> None:
        expect(self.page.locator(".messages .msg-success")).to_be_visible()


@pytest.fixture(params=list(VIEWPORTS))
def journey(request, browser, browser_context_args, live_server):
    context = browser.new_context(**{**browser_context_args, **VIEWPORTS[request.param]})
    page = context.new_page()
    yield Journey(page, live_server.url, request.param)
    context.close()


def test_need_to_completed_project(journey, cast):
    j, page = journey, journey.page
    today = timezone.localdate()
    community = cast["community"]

    # 1. Community staff: post a need, publish it, see the recommended organizations.
    j.sign_in(cast["staff"])
    j.shot("staff-home")
    j.submit(page.locator(".roles").get_by_role("link", name="发布需求"))
    expect(page.locator("h1")).to_have_text("发布需求")
    page.fill("#id_title", NEED_TITLE)
    page.select_option("#id_category", str(f.category("elderly_meals").pk))
    page.check(f'input[name=target_groups][value="{f.target_group("elderly").pk}"]')
    page.fill("#id_beneficiaries", "80")
    page.fill("#id_budget", "60000")
    page.fill("#id_period_start", today.isoformat())
    page.fill("#id_period_end", (today + timedelta(days=90)).isoformat())
    page.fill("#id_description", "辖区独居老人 80 人，需要每日午餐配送和上门探访。")
    j.shot("need-form")
    j.submit(j.main_button("保存草稿"))
    j.flash()
    expect(page.locator("h1")).to_have_text(NEED_TITLE)
    expect(page.locator(".detail .status")).to_have_text("草稿")
    j.submit(j.main_button("发布"))
    expect(page.locator(".detail .status")).to_have_text("已发布")
    j.shot("need-published")
    j.submit(j.main_button("推荐机构"))
    match = page.locator("ol.matches > li").filter(has_text=cast["org"].name)
    expect(match).to_be_visible()
    expect(match).to_contain_text("独居老人助餐配送服务")
    expect(page.locator("main")).to_contain_text(cast["resource"].name)  # money that could pay
    j.shot("need-matches")

    # Start a project from the need: the draft is prefilled; name the money that pays for it.
    j.submit(page.locator(".crumbs").get_by_role("link", name=NEED_TITLE))
    j.submit(j.main_button("发起项目"))
    expect(page.locator("h1")).to_have_text("新建项目")
    expect(page.locator("#id_budget")).to_have_value("60000.00")
    page.fill("#id_title", PROJECT_TITLE)
    page.select_option("#id_resource_0", str(cast["resource"].pk))
    page.fill("#id_amount_0", "60000")
    j.shot("project-draft-form")
    j.submit(j.main_button("保存草稿"))
    j.flash()
    j.status_is("草稿")
    expect(page.locator("main")).to_contain_text(NEED_TITLE)  # linked to the need
    j.shot("project-draft")
    j.action("publish")
    expect(page.locator("#id_bid_deadline")).not_to_have_value("")  # 14 days ahead, 17:00
    j.shot("publish-form")
    j.submit(j.main_button("发布"))
    j.status_is("申报中")
    j.shot("project-published")
    project = Project.objects.get(title=PROJECT_TITLE)
    assert project.need.title == NEED_TITLE and project.bid_deadline > timezone.now()

    # The official of the district assigns the reviewer and the supervisor.
    j.sign_in(cast["official"], then=project.get_absolute_url())
    j.action("assign")
    page.get_by_label(re.compile("评审陈教授")).check()
    page.get_by_label(re.compile("督导刘老师")).check()
    j.shot("assign-form")
    j.submit(j.main_button("指派"))
    j.flash()
    expect(page.locator("#delivery")).to_contain_text("评审陈教授")
    j.shot("experts-assigned")

    # 2. The organization finds the project through the list's filters and bids.
    j.sign_in(cast["member"])
    j.menu("项目")
    # The filters swap the results in place (htmx) and put themselves in the address.
    page.select_option("select[name=status]", "published")
    page.wait_for_url(re.compile(r"status=published"))
    page.fill("input[name=q]", "独居老人")
    page.locator("form.filters").get_by_role("button", name="搜索").click()
    page.wait_for_url(re.compile(r"q=%E7%8B%AC"))
    results = page.locator("#results")
    expect(results.locator(".card")).to_have_count(1)
    expect(results).to_contain_text(PROJECT_TITLE)
    j.shot("project-list-filtered")
    j.submit(results.get_by_role("link", name=PROJECT_TITLE))
    j.action("bid")
    page.fill("#id_amount", "58000")
    page.fill("#id_proposal", "每日中午配送营养午餐，每周两次上门探访，配备两名持证社工。")
    for worker in cast["workers"]:
        page.get_by_label(re.compile(worker.name)).check()
    j.shot("bid-form")
    j.submit(j.main_button("提交申报"))
    j.flash()
    expect(page.locator("#bids")).to_contain_text("¥58,000.00")
    expect(page.locator("#bids")).to_contain_text("周晓梅")
    j.shot("bid-submitted")

    # 3. The deadline passes (see the module's docstring); the official closes the bidding.
    Project.objects.filter(pk=project.pk).update(bid_deadline=timezone.now() - timedelta(minutes=1))
    j.sign_in(cast["official"], then=project.get_absolute_url())
    j.action("close-bidding")  # confirmed in the dialog
    j.status_is("评审中")
    j.shot("bidding-closed")

    # The reviewer scores the bid from the bid's own button.
    j.sign_in(cast["reviewer"], then=project.get_absolute_url())
    j.submit(page.locator("#bids").get_by_role("link", name="为该申报评分"))
    for field, score in (("capacity", 90), ("plan", 88), ("budget", 85), ("track_record", 86)):
        page.fill(f"#id_{field}", str(score))
    page.fill("#id_comments", "方案具体，团队持证，预算合理。")
    j.shot("review-form")
    j.submit(j.main_button("提交评分"))
    j.flash()
    expect(page.locator("#bids")).to_contain_text("您已为该申报评分")
    j.shot("reviewed")

    # The official awards the best-reviewed bid.
    j.sign_in(cast["official"], then=project.get_absolute_url())
    j.action("award")
    expect(page.locator("main table")).to_contain_text(cast["org"].name)
    j.shot("award-form")
    j.submit(j.main_button("确定中标"))
    j.status_is("已中标")
    j.shot("awarded")

    # The organization starts the service.
    j.sign_in(cast["member"], then=project.get_absolute_url())
    j.action("start")  # confirmed in the dialog
    j.status_is("实施中")
    j.shot("started")

    # The supervisor records a visit.
    j.sign_in(cast["supervisor"], then=project.get_absolute_url())
    j.action("supervise")
    page.fill("#id_findings", "午餐按时送达，老人反馈良好，服务台账完整。")
    page.select_option("#id_rating", "5")
    j.shot("visit-form")
    j.submit(j.main_button("保存走访记录"))
    j.flash()
    expect(page.locator("#delivery")).to_contain_text("午餐按时送达")
    j.shot("visited")

    # The organization reports progress, then files the final report.
    j.sign_in(cast["member"], then=project.get_absolute_url())
    j.action("report-progress")
    page.fill("#id_beneficiaries_served", "80")
    page.fill("#id_summary", "本期为 80 名独居老人配送午餐 1600 份，上门探访 320 次。")
    j.shot("progress-form")
    j.submit(j.main_button("提交报告"))
    j.flash()
    expect(page.locator("#delivery")).to_contain_text("配送午餐 1600 份")
    j.action("submit-final-report")
    page.fill("#id_report", "项目期内服务独居老人 80 名，配送午餐 1600 份，满意度 97%。")
    j.shot("final-report-form")
    j.submit(j.main_button("提交报告"))
    j.status_is("待验收")
    j.shot("final-report-filed")

    # The official accepts with a score: the project is completed.
    j.sign_in(cast["official"], then=project.get_absolute_url())
    j.action("accept")
    page.select_option("#id_result", "pass")
    page.fill("#id_score", "93")
    page.fill("#id_comments", "服务到位，资料齐全，验收合格。")
    j.shot("accept-form")
    j.submit(j.main_button("记录结果"))
    j.status_is("已完成")
    expect(page.locator("#acceptance-result")).to_contain_text("93")
    expect(page.locator(".timeline .stage-done")).to_have_count(5)
    j.shot("completed")
    project.refresh_from_db()
    assert project.status == ProjectStatus.COMPLETED and project.acceptance_score == 93

    # 4. The official's dashboard counts it; the rankings list its community and organization.
    j.menu("数据看板")
    expect(page.locator("h1")).to_contain_text("天心区")
    status = page.locator("#status details.dash-table")
    status.locator("summary").click()
    expect(status.locator("tr").filter(has_text="已完成").locator("td")).to_have_text("1")
    expect(page.locator('[data-chart="status"] canvas').first).to_be_attached()
    status.scroll_into_view_if_needed()
    j.shot("dashboard")

    j.menu("排行榜")
    rows = page.locator("#results table.ranking tbody tr")
    expect(rows.filter(has_text=community.name)).to_have_count(1)
    expect(rows.filter(has_text=community.name).locator("td").nth(1)).to_have_text("1")
    j.shot("rankings-communities")
    j.submit(page.locator("#results .tabs").get_by_role("link", name="社会组织"))
    org_row = rows.filter(has_text=cast["org"].name)
    expect(org_row).to_have_count(1)
    expect(org_row).to_contain_text("93")  # its acceptance score
    j.shot("rankings-organizations")
