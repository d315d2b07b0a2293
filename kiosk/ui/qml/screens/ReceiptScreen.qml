// 已受理: the reference (big, and as a QR code to photograph), what the receipt printer did,
// what happens next and by when, and papers still owed.
// Portrait: 下一步 and 再打印 are pinned at the bottom, the rest scrolls above them (large text).
// Landscape: the reference and the buttons on the left; the printer and what happens next on the right.
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
            // once rated (返回 from the thanks), it says so and ends the visit: never a second rating
            text: rating.rated ? "完成，结束办理" : "下一步：评价本次服务"
            hint: rating.rated ? "✓ 您已评价本次服务，谢谢" : "一事一评：选一个满意程度，再点提交"
            onClicked: rating.next()
        }
        BigButton {
            objectName: "reprintButton"
            width: parent.width
            primary: false
            // stays where it is while printing (a vanishing button moved what is below it)
            text: submit.printState === "printing" ? "正在打印……" : "再打印一张凭条"
            enabledLook: submit.printState !== "printing"
            onClicked: submit.printReceipt()
        }
    }

    component Accepted: Row {             // ✓ 申请已保存并受理
        spacing: 24
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

    component PrintStatus: Rectangle {     // what the receipt printer did, in words with a mark
        objectName: "printStatus"
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

    ScreenColumn {
        anchors { left: parent.left; right: parent.right; top: parent.top; bottom: footer.top }
        spacing: 28
        maxWidth: screen.landscape ? 1760 : 960

        Accepted { anchors.horizontalCenter: parent.horizontalCenter; visible: !screen.landscape }

        Grid {
            columns: screen.landscape ? 2 : 1
            columnSpacing: 48
            rowSpacing: 28
            width: parent.width

            Column {
                width: screen.landscape ? (parent.width - 48) / 2 : parent.width
                spacing: 20

                Accepted { visible: screen.landscape }

                Panel {
                    width: parent.width
                    height: refColumn.implicitHeight + 48
                    Grid {      // the QR beside the reference, or below it when the reference would wrap
                        id: refColumn
                        anchors { left: parent.left; right: parent.right; top: parent.top; margins: 24 }
                        readonly property bool side: width - qr.width - spacing >= referenceWidth.advanceWidth + 8
                        columns: side ? 2 : 1
                        verticalItemAlignment: Grid.AlignVCenter
                        spacing: 24
                        TextMetrics {
                            id: referenceWidth
                            font: referenceText.font
                            text: submit.reference
                        }
                        Column {
                            width: refColumn.side ? refColumn.width - qr.width - refColumn.spacing : refColumn.width
                            spacing: 12
                            KText { width: parent.width; text: "受理编号（请记下或拍照）"; color: Theme.textMuted }
                            KText {
                                id: referenceText
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

                PrintStatus { width: parent.width; visible: !screen.landscape }
                ReceiptActions { width: parent.width; visible: screen.landscape }
            }

            Column {
                width: screen.landscape ? (parent.width - 48) / 2 : parent.width
                spacing: 20

                PrintStatus { width: parent.width; visible: screen.landscape }

                Rectangle {             // 立等可取: what came of the wait for the result
                    objectName: "instantMessage"
                    width: parent.width
                    visible: instant.message !== ""
                    height: instantText.implicitHeight + 40
                    radius: Theme.radius
                    color: instant.outcome === "printed" ? Theme.successSurface : Theme.surfaceAlt
                    border.width: 3
                    border.color: instant.outcome === "printed" ? Theme.success : Theme.primary
                    KText {
                        id: instantText
                        anchors { left: parent.left; right: parent.right; verticalCenter: parent.verticalCenter; margins: 20 }
                        text: (instant.outcome === "printed" ? "✓ " : "") + instant.message
                        font.bold: true
                    }
                }

                Panel {
                    width: parent.width
                    height: items.implicitHeight + 48
                    Column {
                        id: items
                        anchors { left: parent.left; right: parent.right; top: parent.top; margins: 24 }
                        spacing: 10
                        KText {
                            objectName: "itemsHeading"
                            width: parent.width; text: instant.itemsHeading; font.pixelSize: Theme.button; font.bold: true
                        }
                        Repeater {
                            model: submit.items
                            delegate: Column {
                                required property var modelData
                                width: items.width
                                KText { width: parent.width; text: "· " + modelData.name; font.bold: true }
                                KText {
                                    width: parent.width; color: Theme.textMuted
                                    text: "　" + (instant.itemsDone !== "" ? instant.itemsDone : modelData.outcome)
                                }
                            }
                        }
                    }
                }

                HandlingNotice {        // 通办: items not taken here, and where to go
                    width: parent.width
                    visible: submit.elsewhere.length > 0
                    heading: "以下事项本站不能办理"
                    lines: submit.elsewhere
                    warn: true
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
            }
        }
    }

    Rectangle {     // portrait: the way on never scrolls away
        id: footer
        anchors { left: parent.left; right: parent.right; bottom: parent.bottom }
        height: screen.landscape ? 0 : portraitActions.implicitHeight + 48
        visible: !screen.landscape
        color: Theme.surface
        Rectangle { width: parent.width; height: 2; color: Theme.border }
        ReceiptActions {
            id: portraitActions
            anchors.centerIn: parent
            width: Math.min(parent.width - 96, 960)
        }
    }
}
