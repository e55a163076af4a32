/// The one text a catalogue item is embedded from, offline (`novarec embed`) and in the service
/// alike, so that vectors of the same item agree: the title, its description, then its
/// categories (`"Toy Story (1995). Adventure, Animation"`). Empty when the item has none.
public enum ItemText {
    public static func compose(title: String, description: String = "", categories: [String] = []) -> String {
        let parts = [title, description, categories.joined(separator: ", ")].filter { !$0.isEmpty }
        return parts.joined(separator: ". ")
    }
}
