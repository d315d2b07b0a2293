// number, money, ID number, phone and bank account: the digits in a big box, typed on the big
// number pad (never the letters keyboard).
import QtQuick
import "../components"

Column {
    spacing: 20
    KioskTextField {
        objectName: "answerField"
        width: parent.width
        label: form.fieldType === "money" ? "金额（元）" : "用下面的数字键输入"
        placeholder: form.placeholder
        keypad: "id"
        selected: true
        text: form.draft
    }
    NumericKeypad {
        objectName: "numberPad"
        width: parent.width
        kind: form.keypad
        onKey: (value) => form.key(value)
    }
}
