// 通办, nothing this station can take: 打印办理指引 (the receipt printer: where to go, what to
// bring, 12345) and 回首页, with what the printing did. 办理须知 and 核对 show it under the notice.
import QtQuick

Column {
    id: buttons
    spacing: 20
    readonly property bool landscape: width > 1200

    Grid {
        width: parent.width
        columns: buttons.landscape ? 2 : 1
        spacing: 20
        BigButton {
            objectName: "printGuidanceButton"
            width: buttons.landscape ? (parent.width - parent.spacing) / 2 : parent.width
            primary: handling.printState !== "ok"
            enabled: handling.printState !== "busy"
            text: "打印办理指引"
            hint: "去哪里办、带什么，带回家看"
            onClicked: handling.printGuidance()
        }
        BigButton {
            objectName: "reviewHomeButton"
            width: buttons.landscape ? (parent.width - parent.spacing) / 2 : parent.width
            primary: handling.printState === "ok"
            text: "回首页"
            hint: "这件事不在本站办"
            onClicked: shell.finish()
        }
    }
    KText {
        objectName: "guidancePrintMessage"
        width: parent.width
        visible: text !== ""
        text: handling.printMessage
        color: handling.printState === "error" ? Theme.error : Theme.success
        font.bold: true
    }
}
