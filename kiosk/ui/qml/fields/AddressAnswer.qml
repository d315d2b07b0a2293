// address: the province / city / county cascade as big buttons, one level at a time, then one
// box (pinyin keyboard) for the township, village and house number.
import QtQuick
import "../components"

Column {
    id: root
    spacing: 20

    Row {
        width: parent.width
        spacing: 16
        visible: form.addressChosen !== ""
        KText {
            objectName: "addressChosen"
            width: parent.width - (restart.visible ? restart.width + 16 : 0)
            anchors.verticalCenter: parent.verticalCenter
            text: "已选：" + form.addressChosen
            font.pixelSize: Theme.button
            font.bold: true
        }
        BigButton {
            id: restart
            objectName: "addressRestartButton"
            visible: form.addressLevel !== "city" && form.addressLevel !== "province"
            primary: false
            text: "重新选择"
            onClicked: form.addressRestart()
        }
    }

    KText {
        width: parent.width
        visible: form.addressLevel !== "detail"
        text: form.addressLevel === "province" ? "请选择省份"
              : form.addressLevel === "city" ? "请选择所在的市" : "请选择县（市、区）"
        color: Theme.textMuted
    }

    Grid {
        id: grid
        width: parent.width
        visible: form.addressLevel !== "detail"
        columns: form.columns
        spacing: 14
        readonly property int cellWidth: Math.floor((width - (columns - 1) * spacing) / columns)
        Repeater {
            model: form.addressOptions
            delegate: BigButton {
                required property var modelData
                objectName: "addr_" + modelData.code
                width: grid.cellWidth
                primary: false
                text: modelData.name
                onClicked: form.addressPick(modelData.code)
            }
        }
    }

    KioskTextField {
        objectName: "addressDetailField"
        visible: form.addressLevel === "detail"
        width: parent.width
        label: "乡镇（街道）、村（社区）、门牌号"
        placeholder: form.placeholder
        keypad: "pinyin"
        writeContext: "address"
        text: form.addressDetail
        onEdited: (value) => form.setAddressDetail(value)
    }
}
