// 保存: the application is written durably; "已保存" is only said once the disk has it.
// If saving fails, the form is still here: 重试 or ask for help.
import QtQuick
import "../components"

Item {
    id: screen

    ScreenColumn {
        anchors.fill: parent

        Item {
            width: parent.width
            height: 200
            visible: submit.state !== "failed"
            Rectangle {   // a calm turning ring: something is happening
                id: ring
                width: 160; height: 160; radius: 80
                anchors.centerIn: parent
                color: "transparent"
                border.width: 14
                border.color: Theme.surfaceAlt
                Rectangle {
                    width: 40; height: 40; radius: 20
                    color: Theme.primary
                    x: parent.width / 2 - 20 + 73 * Math.cos(angle)
                    y: parent.height / 2 - 20 + 73 * Math.sin(angle)
                    property real angle: 0
                    NumberAnimation on angle { from: 0; to: 2 * Math.PI; duration: 1600; loops: Animation.Infinite }
                }
            }
        }
        KText {
            width: parent.width
            visible: submit.state !== "failed"
            horizontalAlignment: Text.AlignHCenter
            text: "正在保存您的申请"
            font.pixelSize: Theme.display
            font.bold: true
        }
        KText {
            width: parent.width
            visible: submit.state !== "failed"
            horizontalAlignment: Text.AlignHCenter
            text: "请稍候，不要离开。保存好后会打印凭条。"
            color: Theme.textMuted
        }

        Rectangle {
            width: parent.width
            visible: submit.state === "failed"
            height: failed.implicitHeight + 48
            radius: Theme.radius
            color: Theme.errorSurface
            border.width: 4
            border.color: Theme.error
            Column {
                id: failed
                anchors { left: parent.left; right: parent.right; top: parent.top; margins: 24 }
                spacing: 16
                KText {
                    width: parent.width
                    text: "！ 没有保存成功"
                    color: Theme.error
                    font.pixelSize: Theme.title
                    font.bold: true
                }
                KText { width: parent.width; text: submit.error }
                KText { width: parent.width; text: submit.errorAction }
                KText { width: parent.width; text: "政务服务热线：" + shell.hotline; font.bold: true }
            }
        }
        BigButton {
            objectName: "retrySaveButton"
            width: parent.width
            visible: submit.state === "failed"
            text: "重试保存"
            onClicked: submit.save()
        }
        BigButton {
            width: parent.width
            visible: submit.state === "failed"
            primary: false
            text: "返回上一步"
            hint: "回到签名，内容都还在"
            onClicked: shell.back()
        }
    }
}
