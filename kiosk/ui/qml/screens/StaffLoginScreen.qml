// 工作人员登录: staff number and PIN on the big number pad (the PIN shown as dots), 登录, and what
// went wrong in words: tries left, or the lockout with the minutes to wait.
import QtQuick
import "../components"

Item {
    id: screen
    readonly property bool landscape: width > height

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
                spacing: 24

                KText {
                    width: parent.width
                    text: "工作人员登录"
                    font.pixelSize: Theme.title
                    font.bold: true
                }
                KText {
                    width: parent.width
                    text: "群众办事请点上方“首页”。"
                    color: Theme.textMuted
                }

                KioskTextField {
                    objectName: "staffIdField"
                    width: parent.width
                    label: "工号"
                    placeholder: "点这里，用数字键输入"
                    keypad: "id"
                    selected: staff.field === "staff"
                    text: staff.staffId
                    onTapped: staff.selectField("staff")
                }
                KioskTextField {
                    objectName: "pinField"
                    width: parent.width
                    label: "密码"
                    placeholder: "点这里，输入 6 位以上数字"
                    keypad: "id"
                    selected: staff.field === "pin"
                    text: staff.pinDots
                    onTapped: staff.selectField("pin")
                }
            }

            Column {
                width: content.colWidth
                spacing: 24

                NumericKeypad {
                    objectName: "staffKeypad"
                    width: parent.width
                    kind: staff.field === "pin" ? "pin" : "staff"
                    onKey: (value) => staff.keypad(value)
                }
                BigButton {
                    objectName: "staffLoginButton"
                    width: parent.width
                    text: staff.checking ? "正在核对……" : "登录"
                    hint: "输入工号和密码后点这里"
                    enabledLook: !staff.checking
                    onClicked: staff.login()
                }
                // Under the button, not above the number pad: a wrong PIN moves no key.
                Rectangle {
                    objectName: "loginMessage"
                    visible: staff.loginMessage !== ""
                    width: parent.width
                    height: visible ? messageText.implicitHeight + 40 : 0
                    radius: Theme.radius
                    color: Theme.errorSurface
                    border.width: 4
                    border.color: Theme.error
                    KText {
                        id: messageText
                        anchors { left: parent.left; right: parent.right; verticalCenter: parent.verticalCenter; margins: 20 }
                        text: (staff.locked ? "！ 已锁定：" : "！ ") + staff.loginMessage
                        color: Theme.error
                        font.bold: true
                    }
                }
            }
        }
    }
}
