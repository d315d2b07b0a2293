"""The screen graph: every screen and overlay, where 返回 goes from it, where it may lead, and
the session state it implies. The one model of "where am I".

Why one graph: the kiosk once had two models of where the resident was (the session's state and a
stack of visited screens) and they disagreed: 返回 from a question led to 办理须知, whose 开始填写
then did nothing ("cannot go from in_form to in_form"); 返回 after 好差评 led to a receipt whose
button was dead. Now the shell (kiosk.ui.viewmodels.shell) moves only along this graph: 返回 goes
to the screen's `back`, the journey's 下一步 and every `go` must be one of its `forward` targets,
and the session state follows the screen (`state`). 首页, the idle timeout, agent and staff mode
all end or move through the same shell. A move the graph does not allow is refused and logged
(never raised into QML), and tests/ui/test_navigation.py checks that no screen offers one.

`back` is a screen id, None (no 返回 here: a final screen, or one whose way out is 首页 or its
own button), or ORIGIN(…): the screen it was opened from, when that is one of the screens named
(ANY: whichever it was). One table, so that navigation, the screenshot command, the voice and the
accessibility test all agree on what "every screen" means; a screen without a spoken prompt
cannot be added.
"""

from __future__ import annotations

from dataclasses import dataclass

from forms.catalogue import CATEGORY_NAMES
from kiosk.ui.session import State

ANY = "*"


@dataclass(frozen=True)
class Origin:
    """返回 leads back to the screen this one was opened from, if it is one of `screens`."""

    screens: tuple[str, ...]

    def allows(self, screen_id: str | None) -> bool:
        return screen_id is not None and (ANY in self.screens or screen_id in self.screens)


def ORIGIN(*screens: str) -> Origin:  # noqa: N802 - reads as a constant in the table below
    return Origin(tuple(screens))


@dataclass(frozen=True)
class ScreenSpec:
    id: str
    qml: str            # file under kiosk/ui/qml/screens/
    title: str
    prompt: str         # what the voice says when the screen opens and when 朗读 is pressed
    back: str | Origin | None = None      # where 返回 goes (see the module's docstring)
    forward: tuple[str, ...] = ()         # where this screen may lead (besides 返回 and 首页)
    state: State | None = None            # the session state this screen implies (None: unchanged)
    home: bool = True   # does the top bar offer 首页 / 返回 here?
    overlay: bool = False


SCREENS: dict[str, ScreenSpec] = {spec.id: spec for spec in [
    ScreenSpec("attract", "AttractScreen.qml", "首页",
               "您好，欢迎使用政务服务自助终端。请把身份证放在读卡区，或者点击扫码、手动输入。",
               back=None,
               forward=("identify_manual", "scan", "agent_login", "staff_login", "identified",
                        "status_lookup", "agent_resident"),
               state=State.IDLE, home=False),
    ScreenSpec("identify_manual", "IdentifyManualScreen.qml", "手动输入身份信息",
               "请输入姓名和十八位身份证号码。输入好后，点击确定。",
               back=ORIGIN("attract", "scan", "agent_resident"),
               forward=("scan", "identified", "status_lookup", "agent_consent", "agent_resident"),
               state=None),
    ScreenSpec("scan", "ScanScreen.qml", "扫码",
               "请打开辽事通，点亮码，把身份码对准屏幕下方的摄像头。没有手机的，可以放身份证，或者点改为手动输入。",
               back=ORIGIN("attract", "identify_manual", "agent_resident"),
               forward=("identify_manual", "identified", "status_lookup", "agent_consent", "agent_resident"),
               state=None),
    ScreenSpec("identified", "IdentifiedScreen.qml", "身份已确认",
               "身份已确认。请选择您要办理的事情。",
               back=None, forward=("choose_bundle",), state=State.IDENTIFIED),
    ScreenSpec("choose_bundle", "ChooseBundleScreen.qml", "选择要办的事",
               "请选择您要办理的事情。上面的按钮是类别：" + "、".join(CATEGORY_NAMES.values())
               + "。点一个类别，下面只列这一类的事；点全部，列出所有的事。找到后点一下对应的大方块。"
                 "标着“立等可取”的，办的都是即办事项时，可以当场等结果。也可以在搜索框输入拼音首字母查找。",
               back="identified", forward=("credit_notice", "bundle_intro"), state=State.IDENTIFIED),
    ScreenSpec("credit_notice", "CreditNoticeScreen.qml", "信用记录查询",
               "按照逢办必查的要求，办理这件事前要查询信用记录。查询结果显示在屏幕上。",
               back="choose_bundle", forward=("bundle_intro",), state=State.IDENTIFIED),
    ScreenSpec("bundle_intro", "BundleIntroScreen.qml", "办理须知",
               "这件事要办理的事项和需要的材料都列在屏幕上。看好后，点击开始填写。",
               back="choose_bundle", forward=("question", "sample_form", "guide"), state=State.IDENTIFIED),
    ScreenSpec("sample_form", "SampleFormScreen.qml", "填写样表",
               "这是一份填好的样表，每个问题下面是示例答案，姓名和号码都是虚构的。看好后，点击返回。",
               back="bundle_intro", forward=(), state=State.IDENTIFIED),
    ScreenSpec("guide", "GuideScreen.qml", "办事小视频",
               "这是办理这件事的小视频，讲要带的材料和办理步骤。点播放开始，随时可以点关闭。",
               back="bundle_intro", forward=(), state=State.IDENTIFIED),
    ScreenSpec("question", "QuestionScreen.qml", "填写信息",
               "请回答屏幕上的问题，一页一个问题。回答好后，点击下一题。",
               back="bundle_intro", forward=("materials", "review"), state=State.IN_FORM),
    ScreenSpec("materials", "MaterialsScreen.qml", "准备材料",
               "请看每一项材料：可以拍照上传；政府已有的不用交；有的可以以后补交，或者签署承诺代替。"
               "每一项都处理好后，点击下一步。",
               back="question", forward=("capture", "review"), state=State.IN_FORM),
    ScreenSpec("capture", "CaptureScreen.qml", "拍摄材料",
               "请把材料平放在摄像头下方的台面上，按屏幕上的提示摆好，然后点击拍照。",
               back=ORIGIN("materials", "agent_consent"), forward=("identified",), state=None),
    ScreenSpec("review", "ReviewScreen.qml", "核对信息",
               "请核对您填写的内容。哪一项不对，就点它旁边的修改。全部正确后，点击确认无误。",
               back="materials", forward=("question", "sign", "materials"), state=State.IN_FORM),
    ScreenSpec("sign", "SignScreen.qml", "承诺和签名",
               "请阅读屏幕上的承诺，点击朗读承诺可以听一遍。然后用手指在框里写下您的名字，点击确认签名。",
               back="review", forward=("saving", "materials"), state=State.IN_FORM),
    ScreenSpec("saving", "SavingScreen.qml", "正在保存",
               "正在保存您的申请，请稍候，不要离开。",
               back="sign", forward=("receipt", "instant"), state=State.IN_FORM, home=False),
    ScreenSpec("instant", "InstantScreen.qml", "立等可取",
               "您办的都是即办件，平台正在办理，请稍等。办好后结果会当场打印出来。不想等，可以点不等了。",
               back=None, forward=("receipt",), state=State.SUBMITTED, home=False),
    ScreenSpec("receipt", "ReceiptScreen.qml", "已受理",
               "您的申请已经保存并受理。请取走凭条，也可以用手机拍下屏幕上的二维码。",
               back=None, forward=("rating",), state=State.SUBMITTED),
    ScreenSpec("rating", "RatingScreen.qml", "服务评价",
               "请为本次服务评价：非常满意、满意、基本满意、不满意、非常不满意，点一下就可以。",
               back="receipt", forward=(), state=State.RATING),
    ScreenSpec("agent_login", "AgentLoginScreen.qml", "代办员登录",
               "代办员您好。请把您本人的身份证放在读卡区，再输入您的代办员密码，点击确定。",
               back="attract", forward=("agent_resident",), state=None),
    ScreenSpec("agent_resident", "AgentResidentScreen.qml", "读取被代办人身份证",
               "请放置被代办人的身份证。没有身份证的，可以点击手动输入被代办人的姓名和身份证号码。",
               back=None, forward=("identify_manual", "scan", "agent_consent"), state=None),
    ScreenSpec("agent_consent", "AgentConsentScreen.qml", "被代办人确认委托",
               "请被代办人阅读屏幕上的委托内容，然后用手指签名，点击确认签名；也可以拍摄书面委托书。",
               back="agent_resident", forward=("capture", "identified", "agent_resident"), state=None),
    ScreenSpec("status_lookup", "StatusLookupScreen.qml", "查进度 / 打印结果",
               "这里列出您在本机办理的申请和办理进度。需要的话，可以再打印凭条；证照办好的，可以打印证照。",
               back=ORIGIN("staff_home"), forward=(), state=None),
    ScreenSpec("staff_login", "StaffLoginScreen.qml", "工作人员登录",
               "工作人员请输入工号和密码。群众办事请点击首页。",
               back="attract", forward=("staff_home",), state=None),
    ScreenSpec("staff_home", "StaffHomeScreen.qml", "工作人员",
               "工作人员页面：待发队列、设备、证照打印、今日统计和导出。用完请点击退出。",
               back=None, forward=("status_lookup",), state=None),
    ScreenSpec("error", "ErrorScreen.qml", "出错了",
               "抱歉，出了一点问题。请按屏幕上的提示操作，或者拨打一二三四五热线。",
               back=ORIGIN(ANY), forward=(), state=None),
    ScreenSpec("timeout", "TimeoutOverlay.qml", "您还在吗",
               "您还在吗？如果还要继续办理，请点击继续。",
               back=None, forward=(), state=None, overlay=True),
    ScreenSpec("leave", "LeaveOverlay.qml", "要回到首页吗",
               "您填写的内容还没有提交。回到首页会全部清除。要继续填写，请点继续填写。",
               back=None, forward=(), state=None, overlay=True),
    ScreenSpec("help", "HelpOverlay.qml", "求助",
               "需要帮助吗？可以呼叫驿站工作人员，或者拨打一二三四五热线。",
               back=None, forward=(), state=None, overlay=True),
]}

# The resident's way through an application. Each screen, when its part is done, calls
# `shell.forward()`, and the shell goes to the next screen listed here; so screens do not need to
# know about each other, and the order of the journey is written down once.
JOURNEY: tuple[str, ...] = (
    "identified", "choose_bundle", "credit_notice", "bundle_intro", "question", "materials", "review", "sign",
    "saving", "instant", "receipt", "rating",
)


def next_in_journey(screen_id: str) -> str | None:
    if screen_id not in JOURNEY:
        return None
    index = JOURNEY.index(screen_id)
    return JOURNEY[index + 1] if index + 1 < len(JOURNEY) else None


ERROR = "error"


def allows(from_id: str, to_id: str) -> bool:
    """May the shell move from `from_id` to `to_id` other than by 返回 or 首页? (The error
    screen can open from any screen; its 返回 leads back to where it opened.)"""
    return to_id in SCREENS[from_id].forward or (to_id == ERROR and from_id != ERROR)


def back_target(screen_id: str, origin: str | None) -> str | None:
    """Where 返回 leads from `screen_id`, given the screen it was opened from (None: no 返回)."""
    back = SCREENS[screen_id].back
    if isinstance(back, Origin):
        return origin if back.allows(origin) else None
    return back


def screen(screen_id: str) -> ScreenSpec:
    return SCREENS[screen_id]
