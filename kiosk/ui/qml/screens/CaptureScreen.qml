// 拍照: one material, page by page. The live picture with advice, 拍照, then the flattened page
// with 重拍 / 用这张. All camera work happens off the GUI thread (kiosk/ui/viewmodels/camera.py).
import QtQuick
import "../components"

Item {
    id: screen
    readonly property bool landscape: width > height
    readonly property bool reviewing: camera.stage === "review"
    // 智能预审 has its own room from the moment the photo is shown (it starts reading then), so
    // its findings arriving a second later move neither the buttons nor the picture.
    readonly property bool notesShown: reviewing && precheck.state !== "idle"
    readonly property real notesRoom: notesShown && !landscape ? Math.round(height * 0.27) : 0

    // Portrait: tips sit in the middle of the room between the picture and the buttons, not
    // against the picture with an empty band above the buttons.
    function middleOfGap(tipsHeight) {
        var gap = controls.y - (viewport.y + viewport.height)
        return Math.max(24, (gap - tipsHeight) / 2)
    }

    // The header: what to photograph, and beside it the 样例 (这样拍) in a box of fixed size.
    Item {
        id: header
        anchors { top: parent.top; topMargin: 24; horizontalCenter: parent.horizontalCenter }
        width: Math.min(parent.width - 96, screen.landscape ? 1600 : 960)
        implicitHeight: Math.max(headerText.implicitHeight, example.height)
        height: implicitHeight
        ExamplePhoto {
            id: example
            anchors.right: parent.right
            source: guides.photos[guides.captureMaterial] || ""
            pending: guides.photosPending && guides.captureMaterial !== ""
            name: camera.materialName
        }
    Column {
        id: headerText
        width: parent.width - example.width - 24
        spacing: 8
        KText {
            objectName: "captureTitle"
            width: parent.width
            text: "拍摄：" + camera.materialName
            font.pixelSize: Theme.title
            font.bold: true
            elide: Text.ElideRight
            maximumLineCount: 2
        }
        KText {
            objectName: "capturePage"
            width: parent.width
            text: "第 " + camera.page + " 页，共 " + camera.pageCount + " 页"
                  + (camera.pageLabel !== "" ? "：" + camera.pageLabel : "")
                  + (screen.reviewing ? "。请看看拍得清楚吗？" : "。请把材料平放在摄像头下方的台面上")
            color: Theme.textMuted
        }
    }
    }

    // The picture: live view, or the flattened page after 拍照.
    Rectangle {
        id: viewport
        anchors {
            top: header.bottom; topMargin: 20
            left: screen.landscape ? header.left : header.left
            right: screen.landscape ? controls.left : header.right
            rightMargin: screen.landscape ? 32 : 0
            bottom: screen.landscape ? parent.bottom : undefined
            bottomMargin: 32
        }
        // Portrait: the live picture as wide as the screen and no taller than the camera's
        // 16:9, with tips below; the flattened shot as tall as its own proportions ask (an A4
        // page gets the height, an ID card a band as wide as the screen), what to check below.
        readonly property real room: screen.height - 32 - controls.implicitHeight - 20
                                     - (header.y + header.implicitHeight + 20)
                                     - (screen.notesRoom > 0 ? screen.notesRoom + 20 : 0)
        readonly property real shotAspect: pagePicture.implicitWidth > 0
                                           ? pagePicture.implicitHeight / pagePicture.implicitWidth : 1.414
        height: screen.landscape ? undefined
                : screen.reviewing ? Math.min(room, (width - 16) * shotAspect + 16)
                : Math.min(room, width * 9 / 16 + 16)
        radius: Theme.radius
        color: Theme.text
        clip: true

        Image {
            objectName: "livePicture"
            anchors { fill: parent; margins: 8 }
            visible: !screen.reviewing && camera.live
            fillMode: Image.PreserveAspectFit
            cache: false
            asynchronous: false
            source: visible ? "image://camera/live/" + camera.frameSerial : ""
        }
        Image {
            id: pagePicture
            objectName: "pagePicture"
            anchors { fill: parent; margins: 8 }
            visible: screen.reviewing
            fillMode: Image.PreserveAspectFit
            cache: false
            source: visible ? "image://camera/page/" + camera.pageSerial : ""
        }
        Rectangle {
            visible: camera.stage === "working"
            anchors.centerIn: parent
            width: workingText.implicitWidth + 64
            height: workingText.implicitHeight + 40
            radius: Theme.radius
            color: Theme.surface
            KText {
                id: workingText
                anchors.centerIn: parent
                text: "正在拍照，请保持材料不动…"
                font.pixelSize: Theme.button
                font.bold: true
            }
        }
    }

    Rectangle {   // the tips as a card of their own, so they read as one piece of advice
        visible: captureTips.visible && !screen.landscape
        anchors { left: header.left; right: header.right; top: captureTips.top; bottom: captureTips.bottom
                  topMargin: -24; bottomMargin: -24 }
        radius: Theme.radius
        color: Theme.surfaceAlt
    }

    // 拍照 found no paper in the picture shown (or came before the first picture): why nothing
    // was taken, also spoken. Outside the buttons' column, where the tips are, so it moves nothing.
    Rectangle {
        id: shotRefused
        visible: !screen.reviewing && camera.error === "" && camera.shotAdvice !== ""
        // Portrait: in the room above the buttons. Landscape: a caption along the foot of the
        // picture (the column under the buttons is too short for it in 大字).
        anchors {
            left: screen.landscape ? viewport.left : header.left
            right: screen.landscape ? viewport.right : header.right
            bottom: screen.landscape ? viewport.bottom : controls.top
            margins: screen.landscape ? 8 : 0
            bottomMargin: screen.landscape ? 8 : 24
        }
        height: refusedText.implicitHeight + (screen.landscape ? 24 : 0)
        radius: 8
        color: screen.landscape ? Theme.errorSurface : "transparent"
        KText {
            id: refusedText
            objectName: "shotRefused"
            anchors { left: parent.left; right: parent.right; verticalCenter: parent.verticalCenter
                      margins: screen.landscape ? 16 : 0 }
            text: "！ " + camera.shotAdvice
            color: Theme.error
            font.bold: true
        }
    }

    Column {
        id: captureTips
        objectName: "captureTips"
        // Portrait: below the picture. Landscape: below the buttons, where there is room.
        visible: !screen.reviewing && !shotRefused.visible && (!screen.landscape
                 || controls.y + controls.height + 24 + implicitHeight < screen.height - 24)
        anchors {
            top: screen.landscape ? controls.bottom : viewport.bottom
            topMargin: screen.landscape ? 24 : screen.middleOfGap(implicitHeight)
            left: screen.landscape ? controls.left : header.left; right: header.right
            leftMargin: screen.landscape ? 0 : 28; rightMargin: screen.landscape ? 0 : 28
        }
        spacing: 8
        KText { width: parent.width; text: "怎样拍得清楚："; font.bold: true }
        KText { width: parent.width; text: "1. 材料正面朝上，平放在台面上，四个角都在画面里" }
        KText { width: parent.width; text: "2. 手离开材料，不要挡住文字" }
        KText { width: parent.width; text: "3. 看到“✔ 位置合适，可以拍照了”，就点拍照" }
    }

    Column {
        objectName: "reviewTips"
        // What to look at before 用这张: below the shot (portrait) or the buttons (landscape).
        visible: screen.reviewing && !screen.notesShown && (screen.landscape
                 ? controls.y + controls.height + 24 + implicitHeight < screen.height - 24
                 : viewport.y + viewport.height + 24 + implicitHeight < controls.y - 16)
        anchors {
            top: screen.landscape ? controls.bottom : viewport.bottom
            topMargin: screen.landscape ? 24 : screen.middleOfGap(implicitHeight)
            left: screen.landscape ? controls.left : header.left; right: header.right
        }
        spacing: 8
        KText { width: parent.width; text: "请看看这张照片："; font.bold: true }
        KText { width: parent.width; text: "1. 字都看得清，不模糊" }
        KText { width: parent.width; text: "2. 四个角都在，没有被切掉" }
        KText { width: parent.width; text: "3. 没有反光，没有被手挡住" }
        KText { width: parent.width; text: "都清楚就点“用这张”，不清楚就点“重拍”。"; color: Theme.textMuted }
    }

    Column {
        id: controls
        spacing: 20
        width: screen.landscape ? Math.min(620, header.width * 0.4) : header.width
        anchors {
            right: header.right
            top: screen.landscape ? header.bottom : undefined
            topMargin: 20
            bottom: screen.landscape ? undefined : parent.bottom
            bottomMargin: 32
        }

        // Live advice, or the camera's problem, in words with a mark.
        Rectangle {
            objectName: "guidanceBox"
            width: parent.width
            height: guidanceText.implicitHeight + 32
            radius: 12
            visible: !screen.reviewing
            color: camera.error !== "" ? Theme.errorSurface
                   : camera.guidanceOk ? Theme.successSurface : Theme.warningSurface
            border.width: 3
            border.color: camera.error !== "" ? Theme.error : camera.guidanceOk ? Theme.success : Theme.focus
            KText {
                id: guidanceText
                objectName: "guidance"
                anchors { left: parent.left; right: parent.right; verticalCenter: parent.verticalCenter; margins: 20 }
                // always the advice made from the picture above it, never left over from before
                text: camera.error !== "" ? "！ " + camera.error + "。"
                      : (camera.guidanceOk ? "✔ " : "！ ") + camera.guidance
                color: camera.error !== "" ? Theme.error : Theme.text
                font.pixelSize: Theme.button
                font.bold: true
            }
        }
        KText {   // the store refused the page (a full disk): said plainly, the shot kept
            objectName: "saveError"
            width: parent.width
            visible: screen.reviewing && camera.saveError !== ""
            text: "！ " + camera.saveError
            color: Theme.error
            font.bold: true
        }
        KText {
            width: parent.width
            visible: screen.reviewing && camera.shotAdvice !== ""
            text: "！ " + camera.shotAdvice + "。看不清的话，请点“重拍”。"
            color: Theme.error
            font.bold: true
        }

        BigButton {
            objectName: "retryCamera"
            visible: camera.error !== ""
            width: parent.width
            text: "重新打开摄像头"
            hint: "再试一次"
            onClicked: camera.retry()
        }
        BigButton {
            objectName: "shootButton"
            visible: !screen.reviewing && camera.error === ""
            width: parent.width
            text: camera.stage === "working" ? "正在拍照…" : "拍照"
            hint: "材料放好后点这里"
            enabledLook: camera.pictureShown && camera.stage === "live"
            onClicked: camera.takePhoto()
        }
        BigButton {
            objectName: "useButton"
            visible: screen.reviewing
            width: parent.width
            text: camera.saving ? "正在保存…" : "用这张"
            hint: camera.page < camera.pageCount ? "接着拍下一页" : "这份材料拍好了"
            enabledLook: !camera.saving
            onClicked: camera.usePhoto()
        }
        BigButton {
            objectName: "retakeButton"
            visible: screen.reviewing
            width: parent.width
            primary: false
            text: "重拍"
            hint: "这张不清楚，再拍一次"
            onClicked: camera.retake()
        }
        BigButton {
            objectName: "captureCancel"
            visible: !screen.reviewing
            width: parent.width
            primary: false
            text: "不拍了，返回"
            hint: "回到材料清单，选择其他办法"
            onClicked: camera.cancel()
        }
    }

    // What the pre-check noticed: portrait, a band of its own between the picture and the
    // buttons; landscape, the room under the buttons. Scrolls (with the "more below" band) when
    // there is more than fits.
    Flickable {
        id: notesArea
        objectName: "precheckArea"
        visible: screen.notesShown
        anchors {
            left: screen.landscape ? controls.left : header.left
            right: header.right
            top: screen.landscape ? controls.bottom : undefined
            topMargin: 20
            bottom: screen.landscape ? parent.bottom : controls.top
            bottomMargin: screen.landscape ? 24 : 20
        }
        height: screen.landscape ? undefined : screen.notesRoom
        contentHeight: notes.implicitHeight + (notesCue.visible ? notesCue.height + 12 : 0)
        clip: true
        boundsBehavior: Flickable.StopAtBounds

        PrecheckNotes {
            id: notes
            objectName: "precheckNotes"
            width: notesArea.width
            visible: screen.notesShown
        }
    }
    ScrollCue {
        id: notesCue
        flickable: notesArea
        visible: notesArea.visible && notes.implicitHeight > notesArea.height
        anchors { left: notesArea.left; right: notesArea.right; bottom: notesArea.bottom }
    }
}
