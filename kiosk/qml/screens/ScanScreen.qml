// 扫码: how to show a 辽事通 code to the camera, with a way out to typing by hand.
import QtQuick
import "../components"

Item {
    id: screen
    ScreenColumn {
        anchors.fill: parent
        spacing: 40

        KText {
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            text: "请出示辽事通二维码"
            font.pixelSize: Theme.display
            font.bold: true
        }

        Rectangle {   // a phone showing a code, above the camera window
            width: 300; height: 420; radius: 36
            anchors.horizontalCenter: parent.horizontalCenter
            color: "#2E3440"
            Rectangle {
                anchors { fill: parent; margins: 18 }
                radius: 20
                color: Theme.surface
                Grid {
                    anchors.centerIn: parent
                    columns: 5; spacing: 6
                    Repeater {
                        model: [1,1,1,0,1, 1,0,1,1,0, 1,1,0,1,1, 0,1,1,0,1, 1,0,1,1,1]
                        Rectangle { required property int modelData; width: 36; height: 36
                                    color: modelData ? Theme.text : Theme.surface }
                    }
                }
            }
        }

        Panel {
            width: parent.width
            height: steps.implicitHeight + 48
            color: Theme.surfaceAlt
            Column {
                id: steps
                anchors { left: parent.left; right: parent.right; top: parent.top; margins: 24 }
                spacing: 12
                KText { width: parent.width; text: "1. 打开手机上的“辽事通”" }
                KText { width: parent.width; text: "2. 点“亮码”，出示身份码" }
                KText { width: parent.width; text: "3. 把手机屏幕对准下方摄像头，离 20 厘米左右" }
            }
        }

        BigButton {
            width: parent.width
            primary: false
            text: "改为手动输入"
            hint: "输入姓名和身份证号码"
            onClicked: shell.go("identify_manual")
        }
    }
}
