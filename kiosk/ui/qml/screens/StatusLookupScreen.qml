// 查进度 / 打印结果: the person's applications, newest first: what, when, the status in words and
// the platform's message, both references (the platform's and the temporary one on the receipt);
// 再打印凭条 on each, and 打印证照 where a valid certificate of an approved application is ready
// (checked again and verified before it prints), else why not. What the printers did is said in a
// box with a mark, not colour only.
import QtQuick
import "../components"

Item {
    id: screen
    readonly property bool landscape: width > height

    ScreenColumn {
        id: page
        anchors.fill: parent
        spacing: 28
        maxWidth: screen.landscape ? 1760 : 960

        KText {
            width: page.columnWidth
            text: lookup.who !== "" ? lookup.who + " 的申请" : "申请记录"
            font.pixelSize: Theme.title
            font.bold: true
        }

        KText {
            width: page.columnWidth
            visible: lookup.state === "loading"
            text: "正在查找，请稍候……"
        }

        // What the printers did. Where there is something to print, the box is there from the
        // start with room for three lines: a result arriving moves neither the list nor the button
        // just pressed (it pushed 再打印凭条 and 办完了 down by a box's height).
        Rectangle {
            objectName: "lookupMessage"
            readonly property bool reserved: lookup.state === "shown" && lookup.items.length > 0
            visible: lookup.message !== "" || reserved
            width: page.columnWidth
            height: visible ? Math.max(lookupText.implicitHeight, reserved ? threeLines.implicitHeight : 0) + 40 : 0
            KText { id: threeLines; visible: false; font.bold: true; text: "一\n二\n三" }
            radius: Theme.radius
            color: lookup.messageKind === "error" ? Theme.errorSurface
                 : lookup.messageKind === "ok" ? Theme.successSurface : Theme.surfaceAlt
            border.width: 3
            border.color: lookup.messageKind === "error" ? Theme.error
                        : lookup.messageKind === "ok" ? Theme.success : Theme.primary
            KText {
                id: lookupText
                anchors { left: parent.left; right: parent.right; verticalCenter: parent.verticalCenter; margins: 20 }
                text: lookup.message === "" ? "要再打印凭条或证照，点下面的按钮；打印的结果会显示在这里。"
                      : (lookup.messageKind === "error" ? "！ " : lookup.messageKind === "ok" ? "✓ " : "")
                        + lookup.message
                        + (lookup.messageKind === "error" ? "（热线 " + shell.hotline + "）" : "")
                color: lookup.message === "" ? Theme.textMuted : Theme.text
                font.bold: lookup.message !== ""
            }
        }

        KText {
            objectName: "noApplications"
            width: page.columnWidth
            visible: lookup.state === "shown" && lookup.items.length === 0
            text: "本机没有查到您的申请记录。在其他地方办理的，请拨打 " + shell.hotline + " 热线查询。"
        }

        // Landscape: two columns of applications, so more than one and a half are in view.
        Grid {
            id: applications
            width: page.columnWidth
            columns: screen.landscape ? 2 : 1
            spacing: 28
            readonly property real cardWidth: (width - (columns - 1) * spacing) / columns

        Repeater {
            model: lookup.items
            delegate: Panel {
                required property var modelData
                required property int index
                objectName: "application_" + index
                width: applications.cardWidth
                height: appColumn.implicitHeight + 56
                Column {
                    id: appColumn
                    anchors { left: parent.left; right: parent.right; top: parent.top; margins: 28 }
                    spacing: 14
                    KText {
                        width: parent.width
                        text: modelData.bundleName
                        font.pixelSize: Theme.button
                        font.bold: true
                    }
                    KText {
                        objectName: "references_" + index
                        width: parent.width
                        text: modelData.referenceText
                        color: Theme.textMuted
                    }
                    KText {
                        objectName: "status_" + index
                        width: parent.width
                        text: "进度：" + modelData.status
                        font.bold: true
                    }
                    KText {
                        width: parent.width
                        visible: modelData.detail !== ""
                        text: modelData.detail
                    }
                    KText {   // why no 打印证照 (revoked, refused …); for staff each certificate's state
                        objectName: "certificateNote_" + index
                        width: parent.width
                        visible: modelData.certificateNote !== ""
                        text: modelData.certificateNote
                        font.bold: true
                    }
                    Grid {
                        width: parent.width
                        columns: 1
                        columnSpacing: 20
                        rowSpacing: 16
                        readonly property int cell: width
                        BigButton {
                            objectName: "printCertificate_" + index
                            visible: modelData.certificateId !== ""
                            width: parent.cell
                            text: "打印证照"
                            hint: "先向平台核对证照有效，再用 A4 纸打印"
                            enabledLook: !lookup.busy
                            onClicked: lookup.printCertificate(modelData.submissionId, modelData.certificateId)
                        }
                        BigButton {
                            objectName: "reprintReceipt_" + index
                            width: parent.cell
                            primary: false
                            text: "再打印凭条"
                            enabledLook: !lookup.busy
                            onClicked: lookup.reprintReceipt(modelData.submissionId)
                        }
                    }
                }
            }
        }
        }

        BigButton {
            objectName: "lookupDoneButton"
            width: page.columnWidth
            primary: !lookup.forStaff
            text: lookup.forStaff ? "返回工作人员页面" : "办完了，回到首页"
            onClicked: lookup.forStaff ? shell.back() : shell.finish()
        }
    }
}
