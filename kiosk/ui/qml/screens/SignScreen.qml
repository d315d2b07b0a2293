// 签名: this application's commitment, shown and read aloud, then the finger signature.
import QtQuick
import "../components"

Item {
    id: screen
    readonly property bool landscape: width > height
    readonly property int side: 48

    Component.onCompleted: if (signature.text === "") signature.prepare()

    // The commitment text, scrollable when long (large text, many promises).
    Column {
        id: textColumn
        x: screen.side
        y: 24
        width: screen.landscape ? (screen.width - 3 * screen.side) * 0.45 : screen.width - 2 * screen.side
        spacing: 16

        KText {
            width: parent.width
            text: "请阅读承诺，然后签名"
            font.pixelSize: Theme.title
            font.bold: true
        }
        Panel {
            width: parent.width
            height: screen.landscape ? screen.height - 24 - y - readButton.height - 56
                                     : Math.min(textFlick.contentHeight + 48, screen.height * 0.3)
            color: Theme.warningSurface
            Flickable {
                id: textFlick
                anchors { fill: parent; margins: 24 }
                contentHeight: commitment.implicitHeight
                clip: true
                boundsBehavior: Flickable.StopAtBounds
                KText {
                    id: commitment
                    objectName: "commitmentText"
                    width: parent.width
                    text: signature.text
                }
            }
        }
        BigButton {
            id: readButton
            objectName: "readCommitment"
            width: parent.width
            primary: false
            text: shell.speaking ? "停止朗读" : "朗读承诺"
            hint: "再听一遍承诺内容"
            onClicked: signature.readAloud()
        }
    }

    Column {
        id: padColumn
        x: screen.landscape ? textColumn.x + textColumn.width + screen.side : screen.side
        y: screen.landscape ? 24 : textColumn.y + textColumn.height + 24
        width: screen.landscape ? screen.width - x - screen.side : textColumn.width
        spacing: 16

        // A paper brought in by an answer changed on the review screen: decide it first.
        Rectangle {
            id: missingBox
            objectName: "signMissingBox"
            width: parent.width
            visible: signature.missing.length > 0
            height: visible ? missingColumn.implicitHeight + 40 : 0
            radius: 12
            color: Theme.errorSurface
            border.width: 4
            border.color: Theme.error
            Column {
                id: missingColumn
                anchors { left: parent.left; right: parent.right; top: parent.top; margins: 20 }
                spacing: 12
                KText {
                    width: parent.width
                    text: "！ 还有材料没有处理：" + signature.missing.join("、")
                    color: Theme.error
                    font.bold: true
                }
                BigButton {
                    objectName: "signMaterialsButton"
                    width: parent.width
                    text: "去处理材料"
                    hint: "处理好后会回到这里签名"
                    onClicked: signature.openMaterials()
                }
            }
        }
        KText {
            width: parent.width
            visible: signature.missing.length === 0
            text: "在下面框里签名（写您的名字）"
            font.bold: true
        }
        SignaturePad {
            objectName: "signaturePad"
            visible: signature.missing.length === 0
            width: parent.width
            height: Math.min(width * 0.75,
                             Math.max(240, screen.height - padColumn.y - 24 - 16 * 3 - 40 - buttons.height
                                           - errorLine.height - 16))
        }
        Row {
            id: buttons
            visible: signature.missing.length === 0
            spacing: 16
            BigButton {
                objectName: "clearSignature"
                width: (padColumn.width - 16) * 0.4
                primary: false
                text: "重写"
                hint: "擦掉重新签"
                enabledLook: signature.strokes.length > 0      // nothing to erase yet
                onClicked: signature.clear()
            }
            BigButton {
                objectName: "confirmSignature"
                width: (padColumn.width - 16) * 0.6
                text: signature.saving ? "正在保存…" : "确认签名"
                hint: "我已阅读并同意以上承诺"
                enabledLook: !signature.saving
                onClicked: signature.confirm()
            }
        }
        // Under the buttons, its line kept free in the pad's height: when it comes, neither the pad
        // nor 确认签名 moves (between them, it pushed 确认签名 down).
        FontMetrics { id: errorLine; font.family: Theme.fontFamily; font.pixelSize: Theme.body; font.bold: true }
        KText {
            id: errorText
            objectName: "signatureError"
            width: parent.width
            visible: signature.error !== "" && signature.missing.length === 0
            text: "！ " + signature.error
            color: Theme.error
            font.bold: true
        }
    }
}
