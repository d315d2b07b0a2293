// 手动输入: name (pinyin keyboard) and 18-digit ID number (big number pad), checked on 确定.
import QtQuick
import "../components"

Item {
    id: screen
    readonly property bool landscape: width > height
    property string keypadTarget: "id"

    ScreenColumn {
        id: page
        anchors.fill: parent
        maxWidth: screen.landscape ? 1760 : 960
        // Never shorter while the screen shows: the problems under 确定 going away must not pull
        // a page scrolled down to read them back under the finger (the next key hit the wrong one).
        neverShrink: true

        Grid {
            id: content
            x: (parent.width - width) / 2
            columns: screen.landscape ? 2 : 1
            columnSpacing: 64
            rowSpacing: 28
            readonly property int colWidth: screen.landscape ? Math.min(820, (screen.width - 160) / 2)
                                                             : Math.min(screen.width - 96, 960)

            Column {
                width: content.colWidth
                spacing: screen.landscape ? 20 : 28

                StepProgress { width: parent.width; step: 1; count: 2; label: "确认身份" }

                KText {
                    width: parent.width
                    objectName: "identifyTitle"
                    text: agent.awaitingResident ? "请输入被代办人的姓名和身份证号码"
                                                 : "请输入您的姓名和身份证号码"
                    font.pixelSize: Theme.title
                    font.bold: true
                }

                KText {     // the card is the easier way, also here (查进度 starts on this screen)
                    width: parent.width
                    objectName: "cardHint"
                    text: devices.readerDown ? "读卡器暂时不能用，请在下面输入。"
                        : shell.purpose === "lookup" ? "带了身份证的，把身份证平放在读卡区就能查，不用输入。"
                        : "也可以把身份证平放在读卡区，不用输入。"
                    color: Theme.textMuted
                    wrapMode: Text.Wrap
                }

                KioskTextField {
                    id: nameField
                    objectName: "nameField"
                    width: parent.width
                    label: "姓名"
                    placeholder: "点这里，用拼音输入"
                    keypad: "pinyin"
                    writeContext: "name"
                    text: identify.name
                    error: identify.nameError
                    errorBelow: false
                    onEdited: (value) => identify.name = value
                    input.onActiveFocusChanged: if (input.activeFocus) screen.keypadTarget = "name"
                }

                KioskTextField {
                    id: idField
                    objectName: "idField"
                    width: parent.width
                    label: "身份证号码"
                    placeholder: "18 位，用数字键输入"
                    keypad: "id"
                    selected: screen.keypadTarget === "id"
                    text: identify.idNumber
                    error: identify.idError
                    errorBelow: false
                    onTapped: { nameField.input.focus = false; screen.keypadTarget = "id" }
                }
            }

            Column {
                width: content.colWidth
                spacing: screen.landscape ? 20 : 28

                NumericKeypad {
                    objectName: "keypad"
                    kind: "id"
                    width: parent.width
                    visible: screen.keypadTarget === "id"
                    onKey: (value) => identify.keypad(value)
                }

                Row {       // side by side: the problem below them stays on the screen
                    width: parent.width
                    spacing: 20
                    BigButton {
                        objectName: "confirmButton"
                        width: (parent.width - parent.spacing) * 0.58
                        text: "确定"
                        hint: "核对无误后点这里"
                        onClicked: {
                            nameField.input.focus = false
                            identify.submit()
                        }
                    }
                    BigButton {   // 查进度 comes straight here: the 辽事通 code must be reachable too
                        objectName: "scanInsteadButton"
                        width: (parent.width - parent.spacing) * 0.42
                        primary: false
                        text: "改为扫码"
                        hint: "出示辽事通身份码"
                        onClicked: {
                            nameField.input.focus = false
                            shell.go("scan")
                        }
                    }
                }

                BigButton {     // the demo only (as on the attract screen), under 确定: nothing of the
                                // kiosk's own layout moves for it (确定 stays where it is), and
                                // above the problems, which would push it under a finger
                    objectName: "demoCardButton"
                    visible: devices.demo === true
                    width: parent.width
                    primary: false
                    text: agent.awaitingResident ? "演示：放被代办人的身份证" : "演示：放一张身份证"
                    hint: "模拟读卡器按真实协议读出示例证件"
                    onClicked: {
                        nameField.input.focus = false
                        devices.placeDemoCard("resident")
                    }
                }
                // What is wrong, under the buttons: above the number pad it pushed every key down
                // by its own height, so the next tap hit the wrong key.
                ErrorSummary { objectName: "identifyErrors"; width: parent.width; errors: identify.errors }
            }
        }
    }
}
