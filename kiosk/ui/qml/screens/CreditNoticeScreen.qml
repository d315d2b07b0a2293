// 逢办必查: the credit-check notice before a bundle with a credit-checked item. Three calm
// outcomes (no record; a record that may affect the matter; no list here yet), each with a way on.
// The record's wording appears only when the resident asks (others may be looking at the screen).
import QtQuick
import "../components"

Item {
    id: screen
    readonly property bool landscape: width > height
    readonly property bool hit: credit.state === "hit"
    readonly property bool done: credit.state !== "checking"
    readonly property bool wide: landscape && hit        // a record: two columns side by side

    ScreenColumn {
        anchors.fill: parent
        maxWidth: screen.wide ? 1700 : (screen.landscape ? 1200 : 984)
        spacing: 28

        KText {
            objectName: "creditTitle"
            width: parent.width
            text: credit.title
            font.pixelSize: Theme.title
            font.bold: true
        }

        Grid {                              // landscape: the result left, what to do right
            width: parent.width
            columns: screen.wide ? 2 : 1
            spacing: 28
            readonly property int colWidth: screen.wide ? (width - spacing) / 2 : width

            Column {
                width: parent.colWidth
                spacing: 28
                Panel {
                    width: parent.width
                    height: messageRow.implicitHeight + 48
                    color: credit.state === "clear" ? Theme.successSurface : Theme.surfaceAlt
                    Row {
                        id: messageRow
                        anchors { left: parent.left; right: parent.right; top: parent.top; margins: 24 }
                        spacing: 20
                        Rectangle {                       // a sign, not only a colour: ✓ or i or …
                            width: 72; height: 72; radius: 36
                            color: Theme.surface
                            border.width: 4
                            border.color: credit.state === "clear" ? Theme.success : Theme.primary
                            KText {
                                anchors.centerIn: parent
                                text: credit.state === "clear" ? "✓" : (screen.done ? "i" : "…")
                                color: credit.state === "clear" ? Theme.success : Theme.primary
                                font.pixelSize: Theme.button
                                font.bold: true
                                lineHeight: 1.0
                            }
                        }
                        KText {
                            objectName: "creditMessage"
                            width: parent.width - 92
                            text: credit.message
                            font.pixelSize: Theme.button
                        }
                    }
                }

                BigButton {
                    objectName: "creditDetailsButton"
                    visible: screen.hit
                    width: parent.width
                    primary: false
                    text: credit.detailsShown ? "收起记录内容" : "查看记录内容"
                    hint: "只在您面前的屏幕上显示"
                    onClicked: credit.toggleDetails()
                }

                Panel {
                    visible: screen.hit && credit.detailsShown
                    width: parent.width
                    height: recordColumn.implicitHeight + 48
                    Column {
                        id: recordColumn
                        anchors { left: parent.left; right: parent.right; top: parent.top; margins: 24 }
                        spacing: 8
                        KText { width: parent.width; text: "记录内容"; font.bold: true }
                        KText { objectName: "creditRecord"; width: parent.width; text: credit.recordText; font.pixelSize: Theme.button }
                        KText { width: parent.width; visible: credit.sinceText !== ""; text: credit.sinceText; color: Theme.textMuted }
                    }
                }
            }
            Column {
                width: parent.colWidth
                spacing: 28
                KText {
                    objectName: "creditNextSteps"
                    visible: screen.hit
                    width: parent.width
                    text: credit.nextSteps
                    font.bold: true
                }
                KText {
                    objectName: "creditObjection"
                    visible: screen.hit
                    width: parent.width
                    text: credit.objection
                    color: Theme.textMuted
                }

                BigButton {
                    objectName: "creditContinueButton"
                    visible: screen.done
                    width: parent.width
                    text: screen.hit ? "继续办理" : "继续"
                    hint: "下一步：看办理须知"
                    onClicked: credit.proceed()
                }
                BigButton {
                    objectName: "creditDeclineButton"
                    visible: screen.hit
                    width: parent.width
                    primary: false
                    text: "不办了，返回首页"
                    hint: "不保存任何内容"
                    onClicked: credit.decline()
                }
            }
        }
    }
}
