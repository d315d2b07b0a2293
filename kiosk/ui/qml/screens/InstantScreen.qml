// 立等可取: every item is 即办 and the platform answers, so the kiosk waits (at most a configured
// minute) for the decision and prints the result on A4. Calm: a bar that fills once a second and
// the seconds in words — nothing spins, nothing moves under a finger; 不等了 ends the wait (the receipt is printed already).
import QtQuick
import "../components"

Item {
    id: screen

    ScreenColumn {
        anchors { left: parent.left; right: parent.right; top: parent.top; bottom: footer.top }
        maxWidth: screen.width > screen.height ? 1400 : 984
        spacing: 32

        KText {
            objectName: "instantTitle"
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            text: "正在办理，请稍等"
            font.pixelSize: Theme.display
            font.bold: true
        }
        KText {
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            text: "您办的都是即办件。平台办好后，结果会当场用 A4 纸打印出来，请不要离开。"
        }

        Panel {
            width: parent.width
            height: waitColumn.implicitHeight + 56
            Column {
                id: waitColumn
                anchors { left: parent.left; right: parent.right; top: parent.top; margins: 28 }
                spacing: 20
                Rectangle {             // the slow bar: grows once a second with the seconds waited
                    objectName: "instantProgress"
                    width: parent.width
                    height: 36
                    radius: 18
                    color: Theme.surfaceAlt
                    border.width: 2
                    border.color: Theme.border
                    Rectangle {
                        width: Math.max(height, parent.width * instant.progress)
                        height: parent.height
                        radius: parent.radius
                        color: Theme.primary
                    }
                }
                KText {
                    objectName: "instantTime"
                    width: parent.width
                    horizontalAlignment: Text.AlignHCenter
                    text: instant.timeText
                    font.pixelSize: Theme.button
                    font.bold: true
                }
                KText {
                    width: parent.width
                    horizontalAlignment: Text.AlignHCenter
                    text: "到时间还没办好，就给您打印受理凭条，结果以后再打印。"
                    color: Theme.textMuted
                }
            }
        }

        Rectangle {                     // what the receipt printer did meanwhile
            width: parent.width
            visible: submit.printMessage !== ""
            height: printText.implicitHeight + 40
            radius: Theme.radius
            color: Theme.surfaceAlt
            KText {
                id: printText
                anchors { left: parent.left; right: parent.right; verticalCenter: parent.verticalCenter; margins: 20 }
                text: "受理编号 " + submit.reference + "。" + submit.printMessage
            }
        }
    }

    Rectangle {     // 不等了 is always on screen, never under the scroll cue
        id: footer
        anchors { left: parent.left; right: parent.right; bottom: parent.bottom }
        height: stopButton.height + 48
        color: Theme.surface
        Rectangle { width: parent.width; height: 2; color: Theme.border }
        BigButton {
            id: stopButton
            objectName: "stopWaitingButton"
            anchors.centerIn: parent
            width: Math.min(parent.width - 96, 984)
            primary: false
            text: "不等了，结果以后再打印"
            hint: "申请已保存；凭受理凭条在驿站或“查进度”里打印结果"
            onClicked: instant.stopWaiting()
        }
    }
}
