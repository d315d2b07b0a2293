// 代办: the resident consents — signs the consent on screen with a finger, or a written 委托书 is
// photographed. Names on screen are masked; the stored authorisation has them in full.
import QtQuick
import "../components"

Item {
    id: screen
    readonly property bool landscape: width > height
    readonly property int side: 48

    Column {
        id: textColumn
        x: screen.side
        y: 24
        width: screen.landscape ? (screen.width - 3 * screen.side) * 0.45 : screen.width - 2 * screen.side
        spacing: 16

        KText {
            width: parent.width
            text: "请被代办人确认委托"
            font.pixelSize: Theme.title
            font.bold: true
        }
        Panel {
            width: parent.width
            height: screen.landscape ? Math.max(160, screen.height - 24 - y - buttonsColumn.height - 56)
                                     : Math.min(textFlick.contentHeight + 48, screen.height * 0.26)
            color: Theme.warningSurface
            Flickable {
                id: textFlick
                anchors { fill: parent; margins: 24 }
                contentHeight: consentText.implicitHeight
                clip: true
                boundsBehavior: Flickable.StopAtBounds
                KText {
                    id: consentText
                    objectName: "consentText"
                    width: parent.width
                    text: agentConsent.text
                }
            }
        }
        Row {
            id: buttonsColumn
            width: parent.width
            spacing: 16
            BigButton {
                objectName: "readConsent"
                width: (parent.width - 16) / 2
                primary: false
                text: shell.speaking ? "停止朗读" : "朗读"
                hint: "再听一遍委托内容"
                onClicked: agentConsent.readAloud()
            }
            BigButton {
                objectName: "photographAuthorisation"
                width: (parent.width - 16) / 2
                primary: false
                text: "拍书面委托书"
                hint: "已写好委托书的"
                onClicked: agent.photograph()
            }
        }
    }

    Column {
        id: padColumn
        x: screen.landscape ? textColumn.x + textColumn.width + screen.side : screen.side
        y: screen.landscape ? 24 : textColumn.y + textColumn.height + 24
        width: screen.landscape ? screen.width - x - screen.side : textColumn.width
        spacing: 16

        KText {
            width: parent.width
            text: "被代办人在框里签名（写自己的名字）"
            font.bold: true
        }
        SignaturePad {
            objectName: "consentPad"
            model: agentConsent
            width: parent.width
            height: Math.min(width * 0.75,
                             Math.max(220, screen.height - padColumn.y - 24 - 16 * 3 - 40 - buttons.height
                                           - errorLine.height - 16))
        }
        Row {
            id: buttons
            spacing: 16
            BigButton {
                objectName: "clearConsent"
                width: (padColumn.width - 16) * 0.4
                primary: false
                text: "重写"
                hint: "擦掉重新签"
                enabledLook: agentConsent.strokes.length > 0   // nothing to erase yet
                onClicked: agentConsent.clear()
            }
            BigButton {
                objectName: "confirmConsent"
                width: (padColumn.width - 16) * 0.6
                text: "确认签名"
                hint: "我同意委托代办"
                onClicked: agentConsent.confirm()
            }
        }
        // Under the buttons, its line kept free in the pad's height (as on the sign screen): when
        // it comes, neither the pad nor 确认签名 moves (above the buttons it pushed them down).
        FontMetrics { id: errorLine; font.family: Theme.fontFamily; font.pixelSize: Theme.body; font.bold: true }
        KText {
            id: errorText
            objectName: "consentError"
            width: parent.width
            visible: agentConsent.error !== ""
            text: "！ " + agentConsent.error
            color: Theme.error
            font.bold: true
        }
    }
}
