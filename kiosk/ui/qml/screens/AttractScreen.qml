// 首页: the station's name, "请放置身份证" with a slow card-onto-reader animation, and the other
// ways in: 扫码, 手动输入; then 查进度 / 打印结果 and 工作人员 (staff login) as secondary buttons.
import QtQuick
import "../components"

Item {
    id: screen
    readonly property bool landscape: width > height
    readonly property int contentWidth: Math.min(width - 96, landscape ? 1700 : 960)

    // Centred when everything fits; scrolls (never cuts off) when large text and the demo's
    // extra button need more than the screen.
    Flickable {
        id: flick
        anchors.fill: parent
        contentWidth: width
        contentHeight: Math.max(height, grid.height + 48)
        boundsBehavior: Flickable.StopAtBounds
        clip: true

    Grid {
        id: grid
        x: (flick.width - width) / 2
        y: Math.max(24, (flick.height - height) / 2)
        columns: screen.landscape ? 2 : 1
        columnSpacing: 80
        rowSpacing: screen.landscape ? 56 : 28
        horizontalItemAlignment: Grid.AlignHCenter
        verticalItemAlignment: Grid.AlignVCenter

        Column {
            width: screen.landscape ? screen.contentWidth * 0.5 : screen.contentWidth
            spacing: screen.landscape ? 40 : 28

            KText {
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                text: shell.stationName
                color: Theme.accent
                font.pixelSize: Theme.title
                font.bold: true
            }

            Item {
                id: stage
                width: parent.width
                height: Theme.large || devices.demo ? 330 : 420   // room for more buttons

                Rectangle {   // the reader: a dark slab with its reading area marked
                    id: reader
                    width: 440; height: 150
                    radius: 24
                    anchors { horizontalCenter: parent.horizontalCenter; bottom: parent.bottom }
                    color: "#2E3440"
                    Rectangle {
                        anchors.centerIn: parent
                        width: 340; height: 90; radius: 12
                        color: "transparent"
                        border.width: 4
                        border.color: Theme.onPrimary
                        opacity: 0.8
                    }
                }

                Rectangle {   // the card: light blue, a photo box and lines, "身份证" on it
                    id: card
                    width: 330; height: 208; radius: 18
                    x: (stage.width - width) / 2
                    y: 20
                    color: Theme.surfaceAlt
                    border.width: 4
                    border.color: Theme.primary
                    Rectangle {
                        x: 24; y: 28; width: 78; height: 100; radius: 8
                        color: Theme.surface
                        border.width: 3; border.color: Theme.primary
                    }
                    Column {
                        x: 126; y: 34; spacing: 16
                        Repeater {
                            model: 3
                            Rectangle { width: 170; height: 12; radius: 6; color: Theme.primary; opacity: 0.5 }
                        }
                    }
                    KText {
                        anchors { bottom: parent.bottom; bottomMargin: 14; horizontalCenter: parent.horizontalCenter }
                        text: "身份证"
                        color: Theme.primary
                        font.bold: true
                    }

                    SequentialAnimation on y {
                        loops: Animation.Infinite
                        NumberAnimation { from: 0; to: stage.height - 270; duration: 2400; easing.type: Easing.InOutSine }
                        PauseAnimation { duration: 1200 }
                        NumberAnimation { from: stage.height - 270; to: 0; duration: 1600; easing.type: Easing.InOutSine }
                        PauseAnimation { duration: 600 }
                    }
                }
            }

            KText {
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                text: "请放置身份证"
                font.pixelSize: Theme.display
                font.bold: true
            }
            KText {
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                objectName: "readerHint"
                text: devices.readerDown ? "！ 读卡器暂时不能用，请扫码或手动输入" : "把身份证平放在读卡区，稍等一两秒"
                color: devices.readerDown ? Theme.error : Theme.textMuted
                font.bold: devices.readerDown
            }
        }

        Column {
            width: screen.landscape ? screen.contentWidth * 0.42 : screen.contentWidth
            spacing: 28

            KText {
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                visible: !(Theme.large && devices.demo)   // the one line given up when space is short
                text: "没有带身份证？"
                color: Theme.textMuted
                font.pixelSize: Theme.button
            }
            BigButton {
                objectName: "scanButton"
                width: parent.width
                text: "扫码"
                hint: "出示辽事通二维码"
                onClicked: shell.go("scan")
            }
            BigButton {
                objectName: "manualButton"
                width: parent.width
                text: "手动输入"
                hint: "输入姓名和身份证号码"
                onClicked: shell.go("identify_manual")
            }
            BigButton {
                objectName: "demoCardButton"
                visible: devices.demo === true   // strict: never "undefined" while the kiosk is torn down
                width: parent.width
                primary: false
                text: "演示：放一张身份证"
                hint: "模拟读卡器按真实协议读出示例证件"
                onClicked: devices.placeDemoCard("resident")
            }
            BigButton {
                objectName: "lookupButton"
                width: parent.width
                primary: false
                text: "查进度 / 打印结果"
                hint: "查看已办申请，补打凭条或证照"
                onClicked: shell.startWith("lookup")
            }
            Row {   // the two logins share a row: residents see fewer buttons
                width: parent.width
                spacing: 20
                BigButton {
                    objectName: "staffButton"
                    width: (parent.width - parent.spacing) / 2
                    primary: false
                    text: "工作人员"
                    hint: "工号和密码登录"
                    onClicked: staff.open()
                }
                BigButton {
                    objectName: "agentButton"
                    width: (parent.width - parent.spacing) / 2
                    primary: false
                    text: "代办员"
                    hint: "为他人代办"
                    onClicked: agent.start()
                }
            }
        }
    }
    }
}
