// The band over every screen of an agent's session: "代办模式：代办员 张*明 为 王* 办理" (masked),
// 退出代办 always, 继续为下一位代办 once the resident's application is saved. Words, not colour,
// say it is agent mode.
import QtQuick

Rectangle {
    id: band
    objectName: "agentBand"
    implicitHeight: agent.bandVisible ? Math.max(bandText.implicitHeight, buttons.height) + 24 : 0
    visible: agent.bandVisible
    color: Theme.warningSurface
    border.width: 2
    border.color: Theme.border

    KText {
        id: bandText
        objectName: "agentBandText"
        anchors { left: parent.left; leftMargin: 24; right: buttons.left; rightMargin: 16; verticalCenter: parent.verticalCenter }
        text: agent.bandText
        font.bold: true
    }

    Row {
        id: buttons
        anchors { right: parent.right; rightMargin: 16; verticalCenter: parent.verticalCenter }
        spacing: 12
        Repeater {
            model: agent.canContinue ? [["agentNextButton", "继续为下一位代办"], ["agentQuitButton", "退出代办"]]
                                     : [["agentQuitButton", "退出代办"]]
            delegate: Rectangle {
                id: button
                required property var modelData
                objectName: modelData[0]
                readonly property bool primary: modelData[0] === "agentNextButton"
                width: label.implicitWidth + 48
                height: Theme.buttonHeight      // the house minimum for buttons (they were ~70 px)
                radius: 12
                color: primary ? (area.pressed ? Theme.primaryPressed : Theme.primary)
                               : (area.pressed ? Theme.surfaceAlt : Theme.secondary)
                border.width: primary ? 0 : 3
                border.color: Theme.primary
                Accessible.role: Accessible.Button
                Accessible.name: modelData[1]
                KText {
                    id: label
                    anchors.centerIn: parent
                    text: button.modelData[1]
                    color: button.primary ? Theme.onPrimary : Theme.onSecondary
                    font.pixelSize: Theme.button
                    font.bold: true
                    lineHeight: 1.0
                }
                MouseArea {
                    id: area
                    anchors.fill: parent
                    onClicked: button.primary ? agent.nextResident() : agent.quit()
                }
            }
        }
    }
}
