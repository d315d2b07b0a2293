// 代办员登录: the agent's own ID card on the reader, then their PIN on the big number pad.
// The PIN is checked off the GUI thread (agent.login); wrong tries are counted and lock out.
import QtQuick
import "../components"

Item {
    id: screen
    readonly property bool landscape: width > height
    readonly property bool pinStage: agent.stage === "pin"

    Flickable {
        anchors.fill: parent
        contentHeight: content.implicitHeight + 96
        clip: true
        boundsBehavior: Flickable.StopAtBounds

        Grid {
            id: content
            x: (parent.width - width) / 2
            y: 48
            columns: screen.landscape ? 2 : 1
            columnSpacing: 64
            rowSpacing: 28
            readonly property int colWidth: screen.landscape ? Math.min(820, (screen.width - 160) / 2)
                                                             : Math.min(screen.width - 96, 960)

            Column {
                width: content.colWidth
                spacing: 28

                StepProgress { width: parent.width; step: screen.pinStage ? 2 : 1; count: 2; label: "代办员登录" }

                KText {
                    objectName: "agentLoginTitle"
                    width: parent.width
                    text: screen.pinStage ? "代办员 " + agent.agentName + "，请输入密码"
                                          : "请放置您（代办员）本人的身份证"
                    font.pixelSize: Theme.title
                    font.bold: true
                }
                KText {
                    width: parent.width
                    objectName: "readerHint"
                    text: screen.pinStage ? "用数字键输入您的代办员密码，然后点确定。"
                        : devices.readerDown ? "！ 读卡器暂时不能用，请工作人员检查读卡器。"
                        : "把身份证平放在读卡区，稍等一两秒。读卡后再输入密码。"
                    color: !screen.pinStage && devices.readerDown ? Theme.error : Theme.textMuted
                }

                // The card step: a card on the reader, drawn.
                Rectangle {
                    visible: !screen.pinStage
                    width: Math.min(parent.width, 440); height: 200; radius: 24
                    anchors.horizontalCenter: parent.horizontalCenter
                    color: Theme.text
                    Rectangle {
                        anchors.centerIn: parent
                        width: 300; height: 150; radius: 16
                        color: Theme.surfaceAlt
                        border.width: 4; border.color: Theme.primary
                        KText { anchors.centerIn: parent; text: "身份证"; color: Theme.primary; font.bold: true; lineHeight: 1.0 }
                    }
                }

                // The PIN step: the dots typed so far, and what went wrong.
                Rectangle {
                    objectName: "agentPinBox"
                    visible: screen.pinStage
                    width: parent.width
                    height: Theme.buttonHeight
                    radius: Theme.radius
                    color: Theme.surface
                    border.width: 4
                    border.color: agent.loginError !== "" ? Theme.error : Theme.primary
                    KText {
                        anchors.centerIn: parent
                        text: agent.busy ? "正在核对……" : agent.pinDots !== "" ? agent.pinDots : "密码（4–12 位数字）"
                        color: agent.pinDots !== "" ? Theme.text : Theme.textMuted
                        font.pixelSize: agent.pinDots !== "" ? Theme.title : Theme.body
                        lineHeight: 1.0
                    }
                }
            }

            Column {
                width: content.colWidth
                spacing: 24

                NumericKeypad {
                    objectName: "agentKeypad"
                    visible: screen.pinStage
                    width: parent.width
                    kind: "pin"
                    onKey: (value) => agent.keypad(value)
                }
                BigButton {
                    objectName: "agentLoginButton"
                    visible: screen.pinStage
                    width: parent.width
                    text: "确定"
                    hint: "核对密码，登录代办"
                    enabledLook: !agent.busy
                    onClicked: agent.login()
                }
                // Under 确定, not above the number pad: a wrong PIN moves no key.
                KText {
                    objectName: "agentLoginError"
                    width: parent.width
                    visible: agent.loginError !== ""
                    text: "！ " + agent.loginError
                    color: Theme.error
                    font.bold: true
                }
                BigButton {
                    objectName: "agentChangeCard"
                    visible: screen.pinStage
                    width: parent.width
                    primary: false
                    text: "换一张身份证"
                    onClicked: agent.changeCard()
                }
                BigButton {
                    objectName: "demoAgentCardButton"
                    visible: devices.demo && !screen.pinStage
                    width: parent.width
                    primary: false
                    text: "演示：放代办员的身份证"
                    hint: "示例代办员张晓明，密码 1357"
                    onClicked: devices.placeDemoCard("resident_zhang")
                }
                KText {
                    visible: !screen.pinStage
                    width: parent.width
                    text: "还没有登记为代办员？请联系驿站工作人员登记。"
                    color: Theme.textMuted
                }
            }
        }
    }
}
