// consent: the text in a panel (read aloud by 朗读), and one big 我已阅读并同意 button — the only
// way on (the question screen shows no 下一题 / 填好了 beside it: form.nextShown).
import QtQuick
import "../components"

Column {
    spacing: 24
    Panel {
        width: parent.width
        height: consentText.implicitHeight + 56
        color: Theme.surfaceAlt
        KText {
            id: consentText
            objectName: "consentText"
            anchors { left: parent.left; right: parent.right; top: parent.top; margins: 28 }
            text: form.consentText
            font.pixelSize: Theme.button
        }
    }
    BigButton {
        objectName: "agreeButton"
        width: parent.width
        text: form.agreed ? "✓ 已同意，下一步" : "我已阅读并同意"
        hint: (form.isLast ? "点这里同意，就填好了" : "点这里同意，进入下一题") + "。有疑问请点右上角“求助”"
        onClicked: form.agree()
    }
}
