/// Vocabulary for synthetic persons: common Vietnamese family, middle and given names (with
/// the Tày and Nùng family names frequent in Lạng Sơn), villages, occupations and drugs.
enum Names {
    static let family = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
                         "Dương", "Lý", "Nông", "Lương", "Lộc", "Vi", "Chu", "Lăng", "Hà", "Triệu", "Mã", "Đàm", "Hứa", "Lục"]
    static let middleMale = ["Văn", "Văn", "Đức", "Minh", "Quang", "Hữu", "Công", "Xuân", "Thanh", "Ngọc", "Tiến", "Mạnh"]
    static let middleFemale = ["Thị", "Thị", "Ngọc", "Thu", "Minh", "Hồng", "Thanh", "Kim"]
    static let givenMale = ["An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hùng", "Huy", "Khánh", "Long", "Mạnh", "Nam", "Phong",
                            "Quân", "Sơn", "Thắng", "Tuấn", "Việt", "Vinh", "Hoàng", "Lâm", "Toàn", "Trung", "Kiên", "Hiếu", "Thành"]
    static let givenFemale = ["Anh", "Hà", "Hằng", "Hoa", "Hương", "Lan", "Linh", "Mai", "Nga", "Ngọc", "Phương", "Thảo", "Trang", "Yến"]
    static let villageKinds = ["Thôn", "Bản", "Khu phố", "Tổ dân phố", "Xóm"]
    static let occupations = ["Lao động tự do", "Làm ruộng", "Lái xe", "Buôn bán", "Công nhân", "Thất nghiệp", "Học sinh", "Bốc vác"]
    static let drugs = ["Heroin", "Ma túy đá (methamphetamine)", "Thuốc lắc (MDMA)", "Cần sa", "Ketamine"]
}
