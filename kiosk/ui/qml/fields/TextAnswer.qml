// text and name: one box, typed with the pinyin keyboard (Qt Virtual Keyboard, zh_CN).
import QtQuick
import "../components"

Column {
    spacing: 16
    KioskTextField {
        id: field
        objectName: "answerField"
        width: parent.width
        label: "在这里输入"
        placeholder: form.placeholder
        keypad: "pinyin"
        writeContext: form.writeContext
        text: form.draft
        onEdited: (value) => form.setDraft(value)
    }
}
