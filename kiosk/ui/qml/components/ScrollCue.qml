// "↑ 向上滑动查看更多" over the bottom of a Flickable while more of it lies below: an elderly
// resident does not guess that a screen scrolls.
import QtQuick

Rectangle {
    required property Flickable flickable

    parent: flickable
    visible: flickable.contentHeight > flickable.height + 1 && !flickable.atYEnd
    anchors { bottom: parent.bottom; horizontalCenter: parent.horizontalCenter; bottomMargin: 16 }
    width: more.implicitWidth + 48
    height: 64
    radius: 32
    color: Theme.text
    KText {
        id: more
        anchors.centerIn: parent
        text: "↑ 向上滑动查看更多"
        color: Theme.surface
        lineHeight: 1.0
    }
}
