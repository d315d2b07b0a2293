// 看视频: the bundle's short guide — the real screens, each with the words the kiosk says there
// (kiosk/ui/guide_video.py makes it; kiosk/ui/viewmodels/guides.py plays it). It opens paused:
// sound only after 播放. The caption (what is being said) is large and in a box of fixed size,
// and the buttons never move: 上一段 · 播放/暂停 · 下一段 · 关闭, 关闭 at any moment.
import QtQuick
import "../components"

Item {
    id: screen
    readonly property bool landscape: width > height
    readonly property var slide: guides.guideSlides.length > 0
                                 ? guides.guideSlides[Math.min(guides.guideIndex, guides.guideSlides.length - 1)]
                                 : null
    readonly property int sideWidth: 760     // landscape: caption and buttons on the right

    KText {
        id: heading
        objectName: "guideTitle"
        x: 48
        y: 24
        width: parent.width - 96
        text: "办事小视频：" + guides.bundleName
        font.pixelSize: Theme.title
        font.bold: true
        maximumLineCount: 1
        elide: Text.ElideRight
    }

    // The picture: the slide, or what is happening instead.
    Rectangle {
        id: picture
        x: 48
        y: heading.y + heading.height + 20
        width: screen.landscape ? parent.width - screen.sideWidth - 96 - 32 : parent.width - 96
        height: screen.landscape ? parent.height - y - 32 : side.y - y - 24
        radius: Theme.radius
        color: Theme.surfaceAlt
        border.width: 2
        border.color: Theme.border
        clip: true

        Image {
            objectName: "guideSlideImage"
            anchors { fill: parent; margins: 8 }
            fillMode: Image.PreserveAspectFit
            asynchronous: true
            visible: screen.slide !== null
            source: screen.slide !== null ? screen.slide.image : ""
        }
        KText {
            objectName: "guideState"
            anchors { left: parent.left; right: parent.right; verticalCenter: parent.verticalCenter; margins: 48 }
            visible: screen.slide === null
            horizontalAlignment: Text.AlignHCenter
            text: guides.guideState === "failed"
                  ? "视频暂时不能播放。可以点“关闭”回去看样表，或者直接开始填写。"
                  : "正在准备视频，请稍候……（第一次看要等一会儿）"
            font.pixelSize: Theme.button
            font.bold: true
        }
    }

    // Caption, progress and the buttons: below the picture (portrait) or beside it (landscape).
    Column {
        id: side
        x: screen.landscape ? parent.width - screen.sideWidth - 48 : 48
        y: screen.landscape ? picture.y : parent.height - implicitHeight - 32
        width: screen.landscape ? screen.sideWidth : parent.width - 96
        spacing: 20

        Rectangle {
            id: captionBox
            width: parent.width
            // Room for five lines at today's size, whatever the caption: nothing below it moves.
            // Landscape: what the column leaves (the buttons stay on the screen in 大字).
            height: screen.landscape
                    ? Math.max(160, screen.height - side.y - 32 - progressText.height - bar.height
                                    - buttons.height - 3 * side.spacing)
                    : 5 * Theme.button * Theme.lineHeight + 48
            radius: Theme.radius
            color: Theme.surface
            border.width: 3
            border.color: Theme.primary
            clip: true
            Flickable {
                id: captionFlick
                anchors { fill: parent; margins: 24 }
                contentHeight: captionText.implicitHeight
                boundsBehavior: Flickable.StopAtBounds
                clip: true
                KText {
                    id: captionText
                    objectName: "guideCaption"
                    width: captionFlick.width
                    text: screen.slide !== null ? screen.slide.caption : ""
                    font.pixelSize: Theme.button
                    font.bold: true
                    onTextChanged: captionFlick.contentY = 0
                }
            }
        }

        KText {
            id: progressText
            objectName: "guideProgress"
            width: parent.width
            text: guides.guideSlides.length > 0
                  ? "第 " + (guides.guideIndex + 1) + " 段，共 " + guides.guideSlides.length + " 段"
                    + (screen.slide !== null ? "：" + screen.slide.title : "")
                  : " "
            color: Theme.textMuted
            maximumLineCount: 1
            elide: Text.ElideRight
        }
        Rectangle {         // progress as a bar too
            id: bar
            width: parent.width
            height: 12
            radius: 6
            color: Theme.surfaceAlt
            border.width: 1
            border.color: Theme.border
            Rectangle {
                height: parent.height
                radius: 6
                color: Theme.primary
                width: guides.guideSlides.length > 0
                       ? parent.width * (guides.guideIndex + 1) / guides.guideSlides.length : 0
            }
        }

        Grid {
            id: buttons
            width: parent.width
            columns: screen.landscape ? 2 : 4
            spacing: 16
            readonly property real cell: (width - (columns - 1) * spacing) / columns
            BigButton {
                objectName: "guidePrevious"
                width: buttons.cell
                primary: false
                text: "上一段"
                enabledLook: guides.guideIndex > 0
                onClicked: guides.previousSlide()
            }
            BigButton {
                objectName: "guidePlay"
                width: buttons.cell
                text: guides.guidePlaying ? "暂停" : "播放"
                enabledLook: guides.guideState === "ready"
                onClicked: guides.play()
            }
            BigButton {
                objectName: "guideNext"
                width: buttons.cell
                primary: false
                text: "下一段"
                enabledLook: guides.guideIndex + 1 < guides.guideSlides.length
                onClicked: guides.nextSlide()
            }
            BigButton {
                objectName: "guideClose"
                width: buttons.cell
                primary: false
                text: "关闭"
                onClicked: guides.closeGuide()
            }
        }
    }
}
