// 扫码: the resident holds their 辽事通 identity code up to the front camera. A live (mirrored)
// picture, what is happening in words, and always a way out: the ID card or 手动输入. All camera
// work and the check of the code happen off the GUI thread (kiosk/ui/viewmodels/scan.py).
import QtQuick
import "../components"

Item {
    id: screen
    readonly property bool landscape: width > height
    readonly property bool failed: scan.state === "error" || scan.state === "camera"
    readonly property int contentWidth: Math.min(width - 96, landscape ? 1700 : 960)

    Flickable {
        id: flick
        anchors.fill: parent
        contentWidth: width
        contentHeight: Math.max(height, grid.height + 64)
        boundsBehavior: Flickable.StopAtBounds
        clip: true

        Grid {
            id: grid
            x: (flick.width - width) / 2
            y: Math.max(32, (flick.height - height) / 2)
            columns: screen.landscape ? 2 : 1
            columnSpacing: 56
            verticalItemAlignment: Grid.AlignVCenter
            rowSpacing: 28

            Column {   // the picture, with the heading above it in portrait
                width: screen.landscape ? screen.contentWidth * 0.5 : screen.contentWidth
                spacing: 28

                KText {
                    objectName: "scanTitle"
                    width: parent.width
                    horizontalAlignment: Text.AlignHCenter
                    text: "请出示辽事通身份码"
                    font.pixelSize: Theme.display
                    font.bold: true
                }

                Rectangle {
                    id: viewport
                    objectName: "scanViewport"
                    width: parent.width
                    height: Math.round(width * 9 / 16) + 16
                    radius: Theme.radius
                    color: Theme.text
                    clip: true

                    Image {
                        objectName: "scanPicture"
                        anchors { fill: parent; margins: 8 }
                        visible: scan.live
                        fillMode: Image.PreserveAspectFit
                        cache: false
                        asynchronous: false
                        source: visible ? "image://scan/live/" + scan.frameSerial : ""
                    }

                    Rectangle {   // no picture yet (or the camera failed): a phone showing a code
                        visible: !scan.live
                        width: 150; height: 230; radius: 24
                        anchors.centerIn: parent
                        anchors.verticalCenterOffset: -30
                        color: "#2E3440"
                        border.width: 3
                        border.color: Theme.surface
                        Rectangle {
                            anchors { fill: parent; margins: 12 }
                            radius: 12
                            color: Theme.surface
                            Grid {
                                anchors.centerIn: parent
                                columns: 5; spacing: 3
                                Repeater {
                                    model: [1,1,1,0,1, 1,0,1,1,0, 1,1,0,1,1, 0,1,1,0,1, 1,0,1,1,1]
                                    Rectangle { required property int modelData; width: 18; height: 18
                                                color: modelData ? Theme.text : Theme.surface }
                                }
                            }
                        }
                    }
                    KText {
                        visible: !scan.live
                        anchors { bottom: parent.bottom; bottomMargin: 28; horizontalCenter: parent.horizontalCenter }
                        text: scan.state === "camera" ? "没有摄像头画面" : "正在打开摄像头…"
                        color: Theme.surface
                        font.pixelSize: Theme.button
                        font.bold: true
                    }
                }
            }

            Column {   // what is happening, what to do, and the ways out
                width: screen.landscape ? screen.contentWidth * 0.5 - grid.columnSpacing : screen.contentWidth
                spacing: 24

                Rectangle {
                    objectName: "scanStatusBox"
                    width: parent.width
                    height: status.implicitHeight + 40
                    radius: 12
                    color: screen.failed ? Theme.errorSurface : scan.live ? Theme.surfaceAlt : Theme.warningSurface
                    border.width: 3
                    border.color: screen.failed ? Theme.error : scan.live ? Theme.primary : Theme.focus
                    Column {
                        id: status
                        anchors { left: parent.left; right: parent.right; verticalCenter: parent.verticalCenter; margins: 24 }
                        spacing: 10
                        KText {
                            objectName: "scanStatus"
                            width: parent.width
                            text: screen.failed ? "！ " + scan.errorTitle
                                  : scan.live ? "◎ 正在识别…" : "正在打开摄像头，请稍候…"
                            color: screen.failed ? Theme.error : Theme.text
                            font.pixelSize: Theme.button
                            font.bold: true
                        }
                        KText {
                            objectName: "scanMessage"
                            width: parent.width
                            text: screen.failed ? scan.errorMessage
                                  : "手机离摄像头 20 厘米左右，拿稳不动"
                        }
                        KText {
                            objectName: "scanHotline"
                            visible: screen.failed
                            width: parent.width
                            text: "需要帮助，请拨打政务服务热线：" + shell.hotline
                            font.bold: true
                        }
                    }
                }

                Panel {
                    visible: !screen.failed
                    width: parent.width
                    height: steps.implicitHeight + 48
                    color: Theme.surfaceAlt
                    Column {
                        id: steps
                        anchors { left: parent.left; right: parent.right; top: parent.top; margins: 24 }
                        spacing: 8
                        KText { width: parent.width; text: "1. 打开手机上的“辽事通”" }
                        KText { width: parent.width; text: "2. 点“亮码”，出示身份码" }
                        KText { width: parent.width; text: "3. 把手机屏幕对准摄像头，听到“已识别”就好了" }
                    }
                }

                Grid {   // landscape: side by side, so an error and both ways out fit the height
                    id: actions
                    width: parent.width
                    columns: screen.landscape && screen.failed ? 2 : 1
                    spacing: 20
                    readonly property real cell: (width - (columns - 1) * spacing) / columns
                    BigButton {
                        objectName: "scanRetry"
                        visible: screen.failed
                        width: actions.cell
                        text: scan.state === "camera" ? "重新打开摄像头" : "再扫一次"
                        hint: scan.state === "camera" ? "再试一次" : "刷新身份码后再对准"
                        onClicked: scan.retry()
                    }
                    BigButton {
                        objectName: "scanManual"
                        width: actions.cell
                        primary: false
                        text: "改为手动输入"
                        hint: "输入姓名和身份证号码"
                        onClicked: shell.go("identify_manual")
                    }
                }
            }
        }
    }
}
