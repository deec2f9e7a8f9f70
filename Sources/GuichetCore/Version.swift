public enum Guichet { public static let version = "0.1.0" }
