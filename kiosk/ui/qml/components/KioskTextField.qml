// A labelled input. `keypad: "pinyin"` types Latin letters on Qt Virtual Keyboard, and our own
// pinyin strip above the keyboard (PinyinStrip) turns them into characters — the keyboard's own
// candidate line was too small to read or hit; it also offers 手写 beside it: a big handwriting pad
// (components/HandwritingPad) opens under the box. `writeContext` says what the field expects
// (surname, given_name, name, address, text), which puts likely characters first in both;
// `pinyinKind: ""` turns the strip off (the bundle search, where letters are the search).
// `keypad: "id"` / `"phone"` is read-only here and filled by the big NumericKeypad, so the
// letters keyboard never appears for numbers. Errors show a "！" mark and words, not colour only.
// `errorBelow: false` keeps the words out of the field (a screen that lists them under its buttons,
// so that nothing moves under a finger when they come): the box then shows the "！" mark alone.
import QtQuick

Column {
    id: root
    property string label: ""
    property string hint: ""
    property string placeholder: ""
    property string error: ""
    property string keypad: "pinyin"
    property alias text: input.text
    property alias input: input
    property bool selected: false
    property bool errorBelow: true
    property string writeContext: "text"
    property string pinyinKind: writeContext
    readonly property string penId: "" + root              // which field the one pad writes into
    readonly property bool writing: handwriting.open && handwriting.owner === penId
    signal edited(string text)
    signal tapped()

    spacing: 10

    Row {
        width: root.width
        // A Chinese box keeps the height of its 手写 button from the start: the button appears
        // once the models have loaded (a second or two after start-up), and the row growing then
        // moved every key and button below it under a resident's finger.
        height: root.keypad === "pinyin" ? Math.max(labelText.implicitHeight, penButton.implicitHeight)
                                         : labelText.implicitHeight
        spacing: 16
        KText {
            id: labelText
            width: root.width - (penButton.visible ? penButton.width + 16 : 0)
            anchors.verticalCenter: parent.verticalCenter
            text: root.label
            font.pixelSize: Theme.button
            font.bold: true
        }
        BigButton {
            id: penButton
            objectName: "handwritingButton"
            visible: root.keypad === "pinyin" && handwriting.available
            width: 240
            primary: false
            text: root.writing ? "改用拼音" : "手写"
            onClicked: {
                if (root.writing) {
                    handwriting.close()
                    input.forceActiveFocus()
                } else {
                    input.focus = false
                    Qt.inputMethod.hide()
                    handwriting.start(root.writeContext, root.penId)
                }
            }
        }
    }
    KText {
        width: root.width
        visible: root.hint !== ""
        text: root.hint
        color: Theme.textMuted
    }
    Rectangle {
        id: box
        width: root.width
        height: Math.max(104, input.font.pixelSize * 2.2)
        radius: 12
        color: root.error !== "" ? Theme.errorSurface : Theme.surface
        border.width: input.activeFocus || root.selected ? 5 : 3
        border.color: root.error !== "" ? Theme.error
                     : (input.activeFocus || root.selected ? Theme.focus : Theme.border)

        TextInput {
            id: input
            anchors { fill: parent; leftMargin: 24; rightMargin: 24 }
            verticalAlignment: TextInput.AlignVCenter
            font.family: Theme.fontFamily
            font.pixelSize: Theme.title
            color: Theme.text
            clip: true
            readOnly: root.keypad !== "pinyin"
            activeFocusOnPress: root.keypad === "pinyin"
            inputMethodHints: root.keypad === "pinyin"
                              ? Qt.ImhLatinOnly | Qt.ImhNoPredictiveText | Qt.ImhNoAutoUppercase
                              : Qt.ImhDigitsOnly
            // What the pinyin strip (Main.qml) reads from the box being typed in, and how it puts
            // a chosen character in (as typing does, so the view-model hears of it).
            readonly property string pinyinKind: root.keypad === "pinyin" ? root.pinyinKind : ""
            function put(value) { text = value; root.edited(value) }
            onTextEdited: root.edited(text)
            // No clipboard: personal data typed here must not be copied out (or pasted in from a
            // previous resident). No selection by touch, none kept, and the copy/cut/paste/select-all
            // keys of a plugged-in keyboard are swallowed before the field sees them.
            selectByMouse: false
            persistentSelection: false
            Keys.onPressed: (event) => {
                if (event.matches(StandardKey.Copy) || event.matches(StandardKey.Cut)
                        || event.matches(StandardKey.Paste) || event.matches(StandardKey.SelectAll))
                    event.accepted = true
            }
            Accessible.role: Accessible.EditableText
            Accessible.name: root.label
        }
        Rectangle {     // the mark, inside the box: the box keeps its size when an error comes
            visible: root.error !== "" && !root.errorBelow
            anchors { right: parent.right; rightMargin: 20; verticalCenter: parent.verticalCenter }
            width: 48; height: 48; radius: 24
            color: Theme.error
            KText { anchors.centerIn: parent; text: "!"; color: Theme.onPrimary; font.bold: true; lineHeight: 1.0 }
        }
        KText {
            anchors { left: parent.left; leftMargin: 24; verticalCenter: parent.verticalCenter }
            visible: input.text === "" && !input.activeFocus
            // Writing by hand, the box is where the written characters land, not a pinyin box
            // (the walk's w128: "点这里，用拼音输入" under an open handwriting pad).
            text: root.writing ? "在下面的方框里写字，写好的字出现在这里" : root.placeholder
            color: Theme.textMuted
            font.pixelSize: Theme.body
        }
        MouseArea {
            anchors.fill: parent
            enabled: root.keypad !== "pinyin"
            onClicked: root.tapped()
        }
    }
    Loader {
        objectName: "handwritingLoader"
        width: root.width
        active: root.writing
        visible: active
        sourceComponent: HandwritingPad { width: root.width }
    }
    Connections {
        target: handwriting
        enabled: root.writing
        function onChosen(character) {
            input.insert(input.text.length, character)
            root.edited(input.text)
        }
        function onErased() {
            if (input.text.length > 0) {
                input.remove(input.text.length - 1, input.text.length)
                root.edited(input.text)
            }
        }
    }
    Row {
        visible: root.error !== "" && root.errorBelow
        spacing: 8
        width: root.width
        Rectangle {
            width: 40; height: 40; radius: 20
            color: Theme.error
            KText { anchors.centerIn: parent; text: "!"; color: Theme.onPrimary; font.bold: true; lineHeight: 1.0 }
        }
        KText {
            width: root.width - 48
            text: root.error
            color: Theme.error
            font.bold: true
        }
    }
}
