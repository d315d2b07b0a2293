// 已受理: the reference (big, and as a QR code to photograph), what happens next and by when,
// papers still owed, and what the receipt printer did.
import QtQuick
import "../components"

Item {
    id: screen
    readonly property bool landscape: width > height

    component ReceiptActions: Column {
        spacing: 20
        BigButton {
            objectName: "toRatingButton"
            width: parent.width
            text: "下一步：评价本次服务"
            hint: "一事一评，只需点一下"
            onClicked: shell.forward()
        }
        BigButton {
            objectName: "reprintButton"
            width: parent.width
            primary: false
            text: "再打印一张凭条"
            visible: submit.printState !== "printing"
            onClicked: submit.printReceipt()
        }
    }

    ScreenColumn {
        anchors.fill: parent
        spacing: 28
        maxWidth: screen.landscape ? 1500 : 960

        Row {
            spacing: 24
            anchors.horizontalCenter: parent.horizontalCenter
            Rectangle {
                width: 96; height: 96; radius: 48
                color: Theme.successSurface
                border.width: 5
                border.color: Theme.success
                KText { anchors.centerIn: parent; text: "✓"; color: Theme.success; font.pixelSize: Theme.title; font.bold: true; lineHeight: 1.0 }
            }
            KText {
                anchors.verticalCenter: parent.verticalCenter
                text: "申请已保存并受理"
                font.pixelSize: Theme.title
                font.bold: true
                wrapMode: Text.NoWrap
            }
        }

        Grid {
            columns: screen.landscape ? 2 : 1
            columnSpacing: 48
            rowSpacing: 28
            width: parent.width

            Column {
                width: screen.landscape ? (parent.width - 48) / 2 : parent.width
                spacing: 20
            Panel {
                width: parent.width
                height: refColumn.implicitHeight + 48
                Row {
                    id: refColumn
                    anchors { left: parent.left; right: parent.right; top: parent.top; margins: 24 }
                    spacing: 24
                    Column {
                        width: parent.width - qr.width - parent.spacing
                        anchors.verticalCenter: parent.verticalCenter
                        spacing: 12
                        KText { width: parent.width; text: "受理编号（请记下或拍照）"; color: Theme.textMuted }
                        KText {
                            objectName: "referenceText"
                            width: parent.width
                            text: submit.reference
                            font.pixelSize: Theme.display
                            font.bold: true
                            font.letterSpacing: 2
                            wrapMode: Text.WrapAnywhere
                        }
                        KText { width: parent.width; text: submit.bundleName; font.bold: true }
                    }
                    Image {
                        id: qr
                        objectName: "referenceQr"
                        width: 240; height: 240
                        source: submit.qrImage
                        smooth: false
                        fillMode: Image.PreserveAspectFit
                    }
                }
            }
            ReceiptActions { width: parent.width; visible: screen.landscape }
            }

            Column {
                width: screen.landscape ? (parent.width - 48) / 2 : parent.width
                spacing: 20

                Panel {
                    width: parent.width
                    height: items.implicitHeight + 48
                    Column {
                        id: items
                        anchors { left: parent.left; right: parent.right; top: parent.top; margins: 24 }
                        spacing: 10
                        KText { width: parent.width; text: "接下来"; font.pixelSize: Theme.button; font.bold: true }
                        Repeater {
                            model: submit.items
                            delegate: Column {
                                required property var modelData
                                width: items.width
                                KText { width: parent.width; text: "· " + modelData.name; font.bold: true }
                                KText { width: parent.width; text: "　" + modelData.outcome; color: Theme.textMuted }
                            }
                        }
                    }
                }

                Rectangle {
                    width: parent.width
                    visible: submit.owed.length > 0
                    height: owed.implicitHeight + 48
                    radius: Theme.radius
                    color: Theme.warningSurface
                    border.width: 3
                    border.color: Theme.focus
                    Column {
                        id: owed
                        anchors { left: parent.left; right: parent.right; top: parent.top; margins: 24 }
                        spacing: 10
                        KText { width: parent.width; text: "！ 以后要补交的材料"; font.pixelSize: Theme.button; font.bold: true }
                        Repeater {
                            model: submit.owed
                            delegate: KText {
                                required property var modelData
                                width: owed.width
                                text: "· " + modelData.name + (modelData.due ? "：" + modelData.due + "前" : "")
                            }
                        }
                    }
                }

                Rectangle {
                    objectName: "printStatus"
                    width: parent.width
                    height: printText.implicitHeight + 40
                    radius: Theme.radius
                    color: submit.printState === "not_printed" ? Theme.errorSurface
                         : submit.printState === "printed" ? Theme.successSurface : Theme.surfaceAlt
                    border.width: 3
                    border.color: submit.printState === "not_printed" ? Theme.error
                                : submit.printState === "printed" ? Theme.success : Theme.primary
                    KText {
                        id: printText
                        anchors { left: parent.left; right: parent.right; verticalCenter: parent.verticalCenter; margins: 20 }
                        text: (submit.printState === "not_printed" ? "！ " : submit.printState === "printed" ? "✓ " : "")
                              + submit.printMessage
                        font.bold: true
                    }
                }
            }
        }

        ReceiptActions { width: parent.width; visible: !screen.landscape }
    }
}
