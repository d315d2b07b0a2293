"""The list of screens and overlays: file, title and spoken prompt of each.

One table, so that navigation, the screenshot command, the voice and the accessibility test all
agree on what "every screen" means. A screen without a spoken prompt cannot be added.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ScreenSpec:
    id: str
    qml: str            # file under kiosk/ui/qml/screens/
    title: str
    prompt: str         # what the voice says when the screen opens and when 朗读 is pressed
    home: bool = True   # does the top bar offer 首页 / 返回 here?
    overlay: bool = False


SCREENS: dict[str, ScreenSpec] = {spec.id: spec for spec in [
    ScreenSpec("attract", "AttractScreen.qml", "首页",
               "您好，欢迎使用政务服务自助终端。请把身份证放在读卡区，或者点击扫码、手动输入。", home=False),
    ScreenSpec("identify_manual", "IdentifyManualScreen.qml", "手动输入身份信息",
               "请输入您的姓名和十八位身份证号码。输入好后，点击确定。"),
    ScreenSpec("scan", "ScanScreen.qml", "扫码",
               "请打开辽事通，点亮码，把身份码对准屏幕下方的摄像头。没有手机的，可以放身份证，或者点改为手动输入。"),
    ScreenSpec("identified", "IdentifiedScreen.qml", "身份已确认",
               "身份已确认。请选择您要办理的事情。"),
    ScreenSpec("choose_bundle", "ChooseBundleScreen.qml", "选择要办的事",
               "请选择您要办理的事情，点一下对应的大方块。也可以在上面的搜索框输入拼音首字母查找。"),
    ScreenSpec("credit_notice", "CreditNoticeScreen.qml", "信用记录查询",
               "按照逢办必查的要求，办理这件事前要查询信用记录。查询结果显示在屏幕上。"),
    ScreenSpec("bundle_intro", "BundleIntroScreen.qml", "办理须知",
               "这件事要办理的事项和需要的材料都列在屏幕上。看好后，点击开始填写。"),
    ScreenSpec("question", "QuestionScreen.qml", "填写信息",
               "请回答屏幕上的问题，一页一个问题。回答好后，点击下一题。"),
    ScreenSpec("materials", "MaterialsScreen.qml", "准备材料",
               "请看每一项材料：可以拍照上传；政府已有的不用交；有的可以以后补交，或者签署承诺代替。"
               "每一项都处理好后，点击下一步。"),
    ScreenSpec("capture", "CaptureScreen.qml", "拍摄材料",
               "请把材料平放在摄像头下方的台面上，按屏幕上的提示摆好，然后点击拍照。"),
    ScreenSpec("review", "ReviewScreen.qml", "核对信息",
               "请核对您填写的内容。哪一项不对，就点它旁边的修改。全部正确后，点击确认无误。"),
    ScreenSpec("sign", "SignScreen.qml", "承诺和签名",
               "请阅读屏幕上的承诺，点击朗读承诺可以听一遍。然后用手指在框里写下您的名字，点击确认签名。"),
    ScreenSpec("saving", "SavingScreen.qml", "正在保存",
               "正在保存您的申请，请稍候，不要离开。", home=False),
    ScreenSpec("receipt", "ReceiptScreen.qml", "已受理",
               "您的申请已经保存并受理。请取走凭条，也可以用手机拍下屏幕上的二维码。然后请为本次服务评价。"),
    ScreenSpec("rating", "RatingScreen.qml", "服务评价",
               "请为本次服务评价：非常满意、满意、基本满意、不满意、非常不满意，点一下就可以。"),
    ScreenSpec("agent_login", "AgentLoginScreen.qml", "代办员登录",
               "代办员您好。请把您本人的身份证放在读卡区，再输入您的代办员密码，点击确定。"),
    ScreenSpec("agent_resident", "AgentResidentScreen.qml", "读取被代办人身份证",
               "请放置被代办人的身份证。没有身份证的，可以点击手动输入被代办人的姓名和身份证号码。"),
    ScreenSpec("agent_consent", "AgentConsentScreen.qml", "被代办人确认委托",
               "请被代办人阅读屏幕上的委托内容，然后用手指签名，点击确认签名；也可以拍摄书面委托书。"),
    ScreenSpec("status_lookup", "StatusLookupScreen.qml", "查进度 / 打印结果",
               "这里列出您在本机办理的申请和办理进度。需要的话，可以再打印凭条；证照办好的，可以打印证照。"),
    ScreenSpec("staff_login", "StaffLoginScreen.qml", "工作人员登录",
               "工作人员请输入工号和密码。群众办事请点击首页。"),
    ScreenSpec("staff_home", "StaffHomeScreen.qml", "工作人员",
               "工作人员页面：待发队列、设备、证照打印、今日统计和导出。用完请点击退出。"),
    ScreenSpec("error", "ErrorScreen.qml", "出错了",
               "抱歉，出了一点问题。请按屏幕上的提示操作，或者拨打一二三四五热线。"),
    ScreenSpec("timeout", "TimeoutOverlay.qml", "您还在吗",
               "您还在吗？如果还要继续办理，请点击继续。", overlay=True),
    ScreenSpec("help", "HelpOverlay.qml", "求助",
               "需要帮助吗？可以呼叫驿站工作人员，或者拨打一二三四五热线。", overlay=True),
]}


# The resident's way through an application. Each screen, when its part is done, calls
# `shell.forward()`, and the shell goes to the next screen listed here; so screens do not need to
# know about each other, and the order of the journey is written down once.
JOURNEY: tuple[str, ...] = (
    "identified", "choose_bundle", "credit_notice", "bundle_intro", "question", "materials", "review", "sign",
    "saving", "receipt", "rating",
)


def next_in_journey(screen_id: str) -> str | None:
    if screen_id not in JOURNEY:
        return None
    index = JOURNEY.index(screen_id)
    return JOURNEY[index + 1] if index + 1 < len(JOURNEY) else None


def screen(screen_id: str) -> ScreenSpec:
    return SCREENS[screen_id]
