// 代办: the resident's card on the reader, or their name and number typed on the 手动输入 screen.
import QtQuick
import "../components"

Item {
    id: screen
    ScreenColumn {
        anchors.fill: parent
        spacing: 32

        KText {
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            text: "请放置被代办人的身份证"
            font.pixelSize: Theme.display
            font.bold: true
        }
        KText {
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            objectName: "readerHint"
            text: devices.readerDown ? "！ 读卡器暂时不能用，请点“手动输入”。"
                                     : "把被代办人的身份证平放在读卡区，稍等一两秒。读卡后请被代办人确认委托。"
            color: devices.readerDown ? Theme.error : Theme.textMuted
        }
        BigButton {
            objectName: "agentManualButton"
            width: parent.width
            primary: false
            text: "手动输入"
            hint: "没有身份证时，输入被代办人的姓名和身份证号码"
            onClicked: shell.go("identify_manual")
        }
        BigButton {
            objectName: "demoResidentCardButton"
            visible: devices.demo
            width: parent.width
            primary: false
            text: "演示：放被代办人的身份证"
            hint: "模拟读卡器按真实协议读出示例证件"
            onClicked: devices.placeDemoCard("resident")
        }
        // Under the buttons: a wrong card (the agent's own) moves none of them.
        Rectangle {
            objectName: "agentResidentError"
            visible: agent.residentError !== ""
            width: parent.width
            height: visible ? residentError.implicitHeight + 40 : 0
            radius: Theme.radius
            color: Theme.errorSurface
            border.width: 4
            border.color: Theme.error
            KText {
                id: residentError
                anchors { left: parent.left; right: parent.right; verticalCenter: parent.verticalCenter; margins: 20 }
                text: "！ " + agent.residentError
                color: Theme.error
                font.bold: true
            }
        }
    }
}
