import Testing
@testable import OsiscopeViews

/// An exported file's name comes partly from the capture (the Content-Type), so it must never
/// leave the export directory or carry control bytes.
@Suite struct ExportedObjectNameTests {
    @Test func aCapturedTypeCannotNameAPath() {
        #expect(ExportedObject.nameSafe("../../etc/passwd") == ".._.._etc_passwd")
        #expect(ExportedObject.nameSafe("text/html\u{1b}[2J") == "text_html__2J")
        #expect(ExportedObject.nameSafe(String(repeating: "a", count: 300)).count == 64)
    }

    @Test func extensionsComeFromTheMediaType() {
        #expect(ExportedObject.mediaType("Text/HTML; charset=utf-8") == "text/html")
        #expect(ExportedObject.fileExtension("text/html") == "html")
        #expect(ExportedObject.fileExtension("image/png") == "png")
        #expect(ExportedObject.fileExtension("application/ld+json") == "json")
        #expect(ExportedObject.fileExtension("application/vnd.example-very-long") == "bin")
        #expect(ExportedObject.fileExtension("") == "bin")
    }
}
