// A big touch button: a whole finger, a label in words (never an icon alone) and an optional
// second line that says what happens. Primary buttons are filled, secondary ones outlined, so
// the difference never rests on colour alone.
import QtQuick

Rectangle {
    id: root
    property string text: ""
    property string hint: ""
    property bool primary: true
    property bool enabledLook: true
    // An option that can be chosen (ChoiceAnswer, MultiChoiceAnswer): a ✓ column of its own, kept
    // even when empty, so choosing never re-wraps the words and nothing moves under the finger.
    property bool checkable: false
    property bool checked: false
    signal clicked()

    implicitWidth: Math.max(240, label.implicitWidth + 64)
    implicitHeight: Math.max(Theme.buttonHeight, column.implicitHeight + 32)
    radius: Theme.radius
    color: primary ? (area.pressed ? Theme.primaryPressed : Theme.primary)
                   : (area.pressed ? Theme.surfaceAlt : Theme.secondary)
    border.width: primary ? 0 : 4
    border.color: Theme.primary
    opacity: enabledLook ? 1.0 : 0.75

    Accessible.role: Accessible.Button
    Accessible.name: (checked ? "已选 " : "") + text
    Accessible.description: hint

    KText {
        id: mark
        visible: root.checkable
        anchors { left: parent.left; leftMargin: 20; verticalCenter: parent.verticalCenter }
        width: visible ? Theme.button : 0
        text: root.checked ? "✓" : ""
        font.pixelSize: Theme.button
        font.bold: true
        lineHeight: 1.0
        color: root.primary ? Theme.onPrimary : Theme.onSecondary
    }

    Column {
        id: column
        anchors.centerIn: parent
        width: parent.width - 32 - (root.checkable ? 2 * (mark.width + 8) : 0)
        spacing: 4
        KText {
            id: label
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            text: root.text
            font.pixelSize: Theme.button
            font.bold: true
            lineHeight: 1.0
            color: root.primary ? Theme.onPrimary : Theme.onSecondary
        }
        KText {
            width: parent.width
            visible: root.hint !== ""
            horizontalAlignment: Text.AlignHCenter
            text: root.hint
            font.pixelSize: Theme.small
            color: root.primary ? Theme.onPrimary : Theme.onSecondary
        }
    }

    MouseArea {
        id: area
        anchors.fill: parent
        onClicked: root.clicked()
        // A double tap (a habit from the computer mouse) is one press: handling its second click
        // here keeps it from pressing whatever the first one brought under the finger — the next
        // question's 正确，下一题, which was confirmed unseen.
        onDoubleClicked: {}
    }
}
